import { describe, expect, it } from 'vitest';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { changesOfRun, countRows, recipientByEntraId } from './helpers/snapshot';
import { createWorkspace, runRecord, startImport } from './helpers/sync-fixture';

describe('importing chosen users', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  async function importIds(workspaceId: string, ids: string[]) {
    const started = await startImport(db, stack.temporal.client, stack.worker.taskQueue, workspaceId, ids);
    await started.result();
    return runRecord(db, started.syncRunId);
  }

  it('when 3 users are imported, then 3 recipients exist; importing them again changes nothing', async () => {
    const ws = await createWorkspace(db, key, { seed: 41, users: 6, traits: CLEAN });
    const ids = (await ws.control.listUsers({ limit: 3 })).map((u) => u.id);
    const first = await importIds(ws.id, ids);
    expect(first).toMatchObject({
      kind: 'import',
      status: 'completed',
      counts: { membersFetched: 3, recipientsCreated: 3 },
    });
    const rows = await countRows(db, ws.id);
    expect(rows).toMatchObject({ recipients: 3, cards: 0, memberships: 0 });

    const again = await importIds(ws.id, ids);
    expect(again.counts).toMatchObject({ recipientsUnchanged: 3 });
    expect(again.counts.recipientsCreated ?? 0).toBe(0);
    expect(again.counts.recipientsUpdated ?? 0).toBe(0);
    expect(await changesOfRun(db, again.id)).toEqual([]);
    expect(await countRows(db, ws.id)).toEqual({ ...rows, changes: rows.changes });
  });

  it('when the ids include non-users and a manual recipient has the same email, then only users import and the manual one is linked', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 42,
      users: 2,
      traits: CLEAN,
      groups: [{ displayName: 'Some Group', users: 1, nonUserMembers: 1 }],
    });
    const [a, b] = await ws.control.listUsers({ limit: 2 });
    const manual = await db
      .insertInto('recipients')
      .values({ workspaceId: ws.id, email: String(b!.mail), customFields: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const groupObjectId = ws.tenant.groups[0]!.id;
    const run = await importIds(ws.id, [a!.id, b!.id, groupObjectId, a!.id]);
    expect(run.counts).toMatchObject({
      membersFetched: 2,
      recipientsCreated: 1,
      recipientsUpdated: 1,
      skipped: 1,
    });
    expect((await recipientByEntraId(db, ws.id, b!.id))!.id).toBe(manual.id);
    expect((await changesOfRun(db, run.id)).find((c) => c.action === 'skipped')).toMatchObject({
      entraUserId: groupObjectId,
      reason: expect.stringContaining('not a user'),
    });
  });
});
