import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_GRAPH_LIMITS } from '../../contracts/graph-limits';
import { openEntraClient } from '../../engine/open-entra-client';
import { readRetryWaitMs } from '../../db/repositories/sync-run-progress';
import { emulatorEntraClientFor } from '../helpers/outbound';
import { testDb } from '../helpers/stack';
import { createWorkspace, testEncryptionKey } from './helpers/sync-fixture';
import { CLEAN } from './helpers/sync-stack';

/** GRAPH_MAX_RETRY_WAIT_SECONDS holds per run: every client of a run starts from what the run waited. */
describe('the Retry-After budget of a run', () => {
  const db = testDb();
  const key = testEncryptionKey();
  afterAll(() => db.destroy());
  const deps = {
    db,
    encryptionKey: key,
    entraClientFor: emulatorEntraClientFor({ ...DEFAULT_GRAPH_LIMITS, maxTotalRetryWaitMs: 2500 }),
  };

  async function throttledRun(seed: number) {
    const ws = await createWorkspace(db, key, {
      seed,
      users: 3,
      traits: CLEAN,
      groups: [{ displayName: 'G', users: 3 }],
    });
    await ws.control.setFaults({ throttleRate: 1, retryAfterSeconds: 1 });
    const run = await db
      .insertInto('syncRuns')
      .values({ workspaceId: ws.id, kind: 'group', trigger: 'api', workflowId: `budget-${seed}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { ws, runId: run.id, groupId: ws.tenant.groups[0]!.id };
  }

  it('when a run has waited on Retry-After before, then its next client fails the first wait past the cap instead of sleeping', async () => {
    const { ws, runId, groupId } = await throttledRun(3101);
    const first = await openEntraClient(deps, ws.id, runId);
    const started = Date.now();
    await expect(first.getGroup(groupId)).rejects.toMatchObject({ code: 'graph_limit_exceeded' });
    // two waits of a second fit the run's budget, and the run remembers them
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    await expect.poll(() => readRetryWaitMs(db, runId)).toBeGreaterThanOrEqual(2000);
    expect(await readRetryWaitMs(db, runId)).toBeLessThan(2500);

    // A retried attempt's new client: the run's budget is spent, so its first wait already fails.
    const again = await openEntraClient(deps, ws.id, runId);
    const retried = Date.now();
    const error = await again.getGroup(groupId).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'graph_limit_exceeded' });
    expect(String((error as Error).message)).toMatch(/wait \d+ s in all on Retry-After, more than 3 s/);
    expect(Date.now() - retried).toBeLessThan(1000);
  });
});
