/**
 * A real worker in its own process for crash tests: runs the sync activities on a task queue and
 * SIGKILLs itself right before the Nth transaction of one activity (so that many minus one chunks
 * are committed and the activity is mid-way). Started by crash-worker-process.ts.
 */
import { Context } from '@temporalio/activity';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { createDatabase, type Db } from '../../../db/database';
import { entraClientFactory } from '../../../graph/entra-client';
import { createOutbound } from '../../../net/outbound';
import { parseOutboundAllowHosts } from '../../../net/outbound-policy';
import { createWorker } from '../../../worker/create-worker';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`crash worker needs ${name}`);
  return value;
};

/** The same pool, except that `transaction()` counts per activity type and kills the process at the chosen one. */
function crashingDb(db: Db, activity: string, atTransaction: number): Db {
  let seen = 0;
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== 'transaction') return typeof value === 'function' ? value.bind(target) : value;
      return () => {
        const builder = target.transaction();
        return {
          async execute<T>(fn: Parameters<typeof builder.execute<T>>[0]): Promise<T> {
            if (Context.current().info.activityType === activity && ++seen === atTransaction) {
              process.kill(process.pid, 'SIGKILL');
              await new Promise(() => {});
            }
            return builder.execute(fn);
          },
        };
      };
    },
  });
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const db = createDatabase({ url: env('DATABASE_URL'), max: 4 });
  const activities = createActivities({
    db: crashingDb(db, env('CRASH_ACTIVITY'), Number(env('CRASH_AT_TRANSACTION'))),
    encryptionKey: Buffer.from(env('ENCRYPTION_KEY'), 'hex'),
    entraClientFor: entraClientFactory(createOutbound(parseOutboundAllowHosts(env('OUTBOUND_ALLOW_HOSTS')))),
  });
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue: env('TASK_QUEUE'),
    activities,
    workflowBundlePath: env('WORKFLOW_BUNDLE'),
  });
  process.send?.('ready');
  await worker.run();
}

main().catch((err: unknown) => {
  process.stderr.write(`crash worker failed: ${String(err)}\n`);
  process.exit(1);
});
