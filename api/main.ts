import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { loadConfig } from '../config/config';
import { createDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { entraClientFactory } from '../graph/entra-client';
import { createOutbound } from '../net/outbound';
import { ensureRetentionSchedule } from '../schedules/retention-schedule';
import { createTemporalClient } from '../temporal/client';
import { buildTemporalConnectionOptions, describeTemporalSecurity } from '../temporal/connection-options';
import { createApp } from './app';

/** The console build: dist/console beside the compiled api (dist/api), or under dist/ from source. */
function consoleBuildDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === 'dist'
    ? path.join(here, '..', 'console')
    : path.join(here, '..', 'dist', 'console');
}

/** How long in-flight requests get to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporalAddress) {
    const missing = [!config.databaseUrl && 'DATABASE_URL', !config.temporalAddress && 'TEMPORAL_ADDRESS']
      .filter(Boolean)
      .join(' and ');
    console.error(
      `npm run api needs ${missing}. Run \`npm start\` (starts Postgres, Temporal, the worker and the API together), ` +
        'or `npm run services` and pass the addresses it prints.',
    );
    process.exit(2);
  }

  const logger = pino({
    level: config.logLevel,
    base: { service: 'api' },
    // Defence in depth: nothing should log these, and if something does they come out masked.
    redact: [
      'req.headers.authorization',
      '*.clientSecret',
      '*.apiKey',
      '*.authorization',
      'clientSecret',
      'apiKey',
    ],
  });
  if (config.devDefaultsWarning) logger.warn(config.devDefaultsWarning);
  const db = createDatabase({
    url: config.databaseUrl,
    application: 'entra-card-sync-api',
    onIdleError: (err) => logger.warn({ err }, 'a pooled Postgres connection was lost while idle'),
  });
  await migrateToLatest(db);
  const temporalConnection = await buildTemporalConnectionOptions(
    config.temporalAddress,
    config.temporalSecurity,
  );
  const temporal = await createTemporalClient({
    connection: temporalConnection,
    namespace: config.temporalNamespace,
  });
  // The daily pruning of old history and events; a failure here must not keep the api down.
  await ensureRetentionSchedule(temporal.client, {
    taskQueue: config.taskQueue,
    retentionDays: config.retentionDays,
  }).catch((err: unknown) => logger.warn({ err }, 'the retention Schedule could not be created or updated'));
  const metricsRegistry = new Registry();
  collectDefaultMetrics({ register: metricsRegistry });

  const app = createApp({
    db,
    temporal: temporal.client,
    config: {
      taskQueue: config.taskQueue,
      temporalNamespace: config.temporalNamespace,
      temporalUiUrl: config.temporalUiUrl,
      adminToken: config.adminToken,
      encryptionKey: config.encryptionKey,
      metricsToken: config.metricsToken,
      publicBaseUrl: config.publicBaseUrl,
    },
    entraClientFor: entraClientFactory(createOutbound(config.outboundAllowHosts), config.graphLimits),
    outboundPolicy: config.outboundAllowHosts,
    logger,
    metricsRegistry,
    rateLimit: config.rateLimit,
    trustProxy: config.trustProxy,
    consoleDir: consoleBuildDir(),
  });

  const server: Server = app.listen(config.port, () => {
    logger.info(
      {
        port: config.port,
        taskQueue: config.taskQueue,
        namespace: config.temporalNamespace,
        temporal: describeTemporalSecurity(temporalConnection),
      },
      'api listening',
    );
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'api could not listen');
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api shutting down');
    const force = setTimeout(() => {
      logger.warn('requests still running after the grace period; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await temporal.connection.close().catch(() => {});
    await db.destroy().catch(() => {});
    logger.info('api stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('api failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
