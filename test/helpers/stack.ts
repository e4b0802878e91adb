import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, type Db } from '../../db/database';
import { createWorker } from '../../worker/create-worker';

let runtimeQuiet = false;
/** The Temporal runtime logs every worker state change at INFO; tests only want warnings. */
function quietTemporalRuntime(): void {
  if (runtimeQuiet) return;
  runtimeQuiet = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by an earlier call in this process
  }
}

/** A pool on the shared test database (migrated by the global setup). */
export function testDb(): Db {
  return createDatabase({ url: inject('databaseUrl'), max: 5 });
}

export async function testTemporalClient(): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  return { client: new Client({ connection }), close: () => connection.close() };
}

export interface RunningTestWorker {
  worker: Worker;
  taskQueue: string;
  /** Stops polling and waits for the worker to drain. */
  stop(): Promise<void>;
}

/** Runs a real worker with the bundled workflows on a unique task queue. */
export async function startTestWorker(opts: {
  activities: object;
  taskQueue?: string;
}): Promise<RunningTestWorker> {
  quietTemporalRuntime();
  const taskQueue = opts.taskQueue ?? `test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue,
    activities: opts.activities,
    workflowBundlePath: inject('workflowBundlePath'),
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
