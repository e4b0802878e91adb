import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-worker.ts');

export interface CrashingWorker {
  child: ChildProcess;
  /** Resolves with the signal that ended the process. */
  exited: Promise<NodeJS.Signals | null>;
}

/** Forks a worker process (tsx) that kills itself before transaction `atTransaction` of `activity`. */
export async function startCrashingWorker(opts: {
  taskQueue: string;
  encryptionKey: Buffer;
  activity: string;
  atTransaction: number;
}): Promise<CrashingWorker> {
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      TASK_QUEUE: opts.taskQueue,
      OUTBOUND_ALLOW_HOSTS: new URL(inject('emulatorUrl')).host,
      ENCRYPTION_KEY: opts.encryptionKey.toString('hex'),
      CRASH_ACTIVITY: opts.activity,
      CRASH_AT_TRANSACTION: String(opts.atTransaction),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit').then(([, signal]) => signal as NodeJS.Signals | null);
  await Promise.race([
    once(child, 'message'),
    exited.then(() => Promise.reject(new Error('crash worker exited before it was ready'))),
  ]);
  return { child, exited };
}
