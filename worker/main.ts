import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/config';
import { ConfigError } from '../config/dev-defaults';
import { createDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { createActivities } from '../activities/index';
import { entraClientFactory } from '../graph/entra-client';
import { createOutbound } from '../net/outbound';
import { buildTemporalConnectionOptions, describeTemporalSecurity } from '../temporal/connection-options';
import { bundleWorkflowsInChildProcess, findPrebuiltWorkflowBundle } from './bundle-workflows';
import { createWorker } from './create-worker';
import { createWorkerLogger } from './logger';
import { createWorkerMetrics } from './metrics';
import { createRunWorkSweeper } from './run-work-sweeper';
import { startWebhookDispatcher } from '../delivery/dispatcher';
import { createWebhookSender } from '../delivery/webhook-sender';
import { DELIVERY_TIMEOUT_MS } from '../domain/webhook-retry';

/** `npm run worker`: registers workflows and activities on the task queue until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createWorkerLogger(config.logLevel);
  if (config.devDefaultsWarning) log.warn(config.devDefaultsWarning);
  if (!config.databaseUrl || !config.temporalAddress) {
    throw new Error(
      'DATABASE_URL and TEMPORAL_ADDRESS must be set (or run `npm start`, which starts everything)',
    );
  }
  const db = createDatabase({
    url: config.databaseUrl,
    max: 12,
    application: 'entra-card-sync-worker',
    onIdleError: (err) => log.warn({ err }, 'a pooled Postgres connection was lost while idle'),
  });
  await migrateToLatest(db);
  const temporalConnection = await buildTemporalConnectionOptions(
    config.temporalAddress,
    config.temporalSecurity,
  );
  const connection = await NativeConnection.connect(temporalConnection);
  const metrics = createWorkerMetrics(db, {
    onError: (err) => log.warn({ err }, 'could not write worker metrics'),
  });
  const sweeper = createRunWorkSweeper(db, (err) =>
    log.warn({ err }, "could not drop a finished run's working rows"),
  );
  void sweeper.sweepLeftovers();
  const workflowBundlePath =
    config.workflowBundlePath ?? findPrebuiltWorkflowBundle() ?? (await bundleWorkflowsInChildProcess());
  const worker = await createWorker({
    connection,
    workflowBundlePath,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    maxConcurrentActivityTaskExecutions: config.workerActivitySlots,
    activities: createActivities({
      db,
      encryptionKey: config.encryptionKey,
      // every Graph and sign-in call leaves through the operator's outbound policy
      entraClientFor: entraClientFactory(createOutbound(config.outboundAllowHosts), config.graphLimits),
      graphLimits: config.graphLimits,
      fullSyncIntervalMs: config.fullSyncIntervalMs,
      dropRunWork: sweeper.drop,
    }),
  });
  // The outbox's deliveries run beside the activities, in every worker (delivery/dispatcher.ts),
  // unless the operator leaves them to other workers. Its connections are its own: the one that
  // holds the endpoints' locks never waits for, or takes one from, the sync activities' pool.
  const deliveryDb = config.webhookDelivery
    ? createDatabase({
        url: config.databaseUrl,
        max: 4,
        application: 'entra-card-sync-webhooks',
        onIdleError: (err) => log.warn({ err }, 'a webhook delivery connection was lost while idle'),
      })
    : null;
  const dispatcher = deliveryDb
    ? startWebhookDispatcher({
        db: deliveryDb,
        sender: createWebhookSender(config.outboundAllowHosts, {
          timeoutMs: DELIVERY_TIMEOUT_MS,
          maxSockets: 64,
        }),
        keys: config.encryptionKey,
        publicBase: config.publicBaseUrl ?? `http://localhost:${config.port}`,
        log,
      })
    : null;
  // The Temporal runtime also reacts to these signals; shut down once, whoever is first.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'worker shutting down');
      if (worker.getState() === 'RUNNING') worker.shutdown();
    });
  }
  log.info(
    {
      taskQueue: config.taskQueue,
      identity: worker.options.identity,
      activitySlots: config.workerActivitySlots,
      temporal: config.temporalAddress,
      security: describeTemporalSecurity(temporalConnection),
    },
    'worker polling',
  );
  await worker.run();
  await dispatcher?.stop();
  await deliveryDb?.destroy();
  await sweeper.close();
  await metrics.stop();
  await connection.close();
  await db.destroy();
  log.info('worker stopped');
}

main().catch((err) => {
  // a refused configuration is one line that says what to set; anything else keeps its stack
  console.error(err instanceof ConfigError ? `worker refused to start: ${err.message}` : err);
  process.exit(1);
});
