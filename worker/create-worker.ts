import { NativeConnection, Worker } from '@temporalio/worker';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: object;
  /** A prebuilt bundle (tests bundle once); else the workflows are bundled from source at start. */
  workflowBundlePath?: string;
  maxConcurrentActivityTaskExecutions?: number;
}

export const WORKFLOWS_PATH = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'workflows',
  'index.ts',
);

/** Registers our workflows and the given activities on the task queue; the caller runs it. */
export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    ...(opts.workflowBundlePath
      ? { workflowBundle: { codePath: opts.workflowBundlePath } }
      : { workflowsPath: WORKFLOWS_PATH }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 8,
    // Activities heartbeat; a crashed worker's attempts are retried after this, not after the full timeout.
    shutdownGraceTime: '10 seconds',
  });
}
