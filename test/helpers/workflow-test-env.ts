import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { SEARCH_ATTRIBUTE_KEYS } from '../../contracts/search-attributes';
import type { ActivityStubs } from './stub-activities';

const TEST_SERVER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'workflows',
  'test-server',
  'temporal-test-server.sh',
);

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/**
 * A time-skipping Temporal test server of its own (Temporal's Java test server from Maven, see
 * test/workflows/test-server/), with our search attributes registered. Waiting for a workflow's
 * result skips its timers and retry backoffs, so branch logic runs in milliseconds.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEST_SERVER } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, KEYWORD])),
  });
  return env;
}

/**
 * Runs `fn` while a worker with the bundled workflows (the global setup's bundle of workflows/)
 * and the given activity stubs polls a task queue of its own.
 */
export async function withStubbedWorker<T>(
  env: TestWorkflowEnvironment,
  activities: ActivityStubs,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `stubbed-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}
