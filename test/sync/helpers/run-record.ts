import { randomUUID } from 'node:crypto';
import type { Db } from '../../../db/database';

/** A bare run record (and its workspace) for tests of the working tables; returns the run id. */
export async function insertRunRecord(db: Db, opts: { finished: boolean }): Promise<string> {
  const workspace = await db
    .insertInto('workspaces')
    .values({ name: `runs ${randomUUID()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const run = await db
    .insertInto('syncRuns')
    .values({
      workspaceId: workspace.id,
      kind: 'group',
      trigger: 'api',
      workflowId: `test-${randomUUID()}`,
      ...(opts.finished ? { status: 'completed', finishedAt: new Date() } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return run.id;
}
