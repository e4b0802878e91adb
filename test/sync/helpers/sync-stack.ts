import type { Client } from '@temporalio/client';
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../../db/database';
import type { GraphLimits } from '../../../contracts/graph-limits';
import { startTestWorker, testDb, testTemporalClient, type RunningTestWorker } from '../../helpers/stack';
import { testActivities, testEncryptionKey } from './sync-fixture';

/** Directory traits that make every generated user a plain, enabled member with mail. */
export const CLEAN = { guest: 0, disabled: 0, softDeleted: 0, noMail: 0, photo: 0 };

export interface SyncStack {
  db: Db;
  key: Buffer;
  /** Set in beforeAll: a real worker with the real activities on its own task queue. */
  worker: RunningTestWorker;
  temporal: { client: Client; close(): Promise<void> };
}

/** The suite's database pool, Temporal client and worker, started before and stopped after its tests. */
export function useSyncStack(opts: { graphLimits?: GraphLimits } = {}): SyncStack {
  const stack = { db: testDb(), key: testEncryptionKey() } as SyncStack;
  beforeAll(async () => {
    stack.temporal = await testTemporalClient();
    stack.worker = await startTestWorker({
      activities: testActivities(stack.db, stack.key, opts.graphLimits),
    });
  });
  afterAll(async () => {
    await stack.worker?.stop();
    await stack.temporal?.close();
    await stack.db.destroy();
  });
  return stack;
}
