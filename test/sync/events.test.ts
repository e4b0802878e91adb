import { describe, expect, it } from 'vitest';
import { approveSignal } from '../../contracts/progress';
import { readEvents, type EventRow } from '../../db/repositories/events';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import {
  createWorkspace,
  linkGroup,
  startGroupSync,
  syncGroup,
  waitForProgress,
} from './helpers/sync-fixture';

/** The events a sync writes beside its changes: recipient and run events, read as the feed reads them. */
describe('events of a sync', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  /** Every event of the workspace in feed order, waiting until `want` are readable. */
  async function eventsOf(workspaceId: string, want: number): Promise<EventRow[]> {
    for (let i = 0; ; i++) {
      const rows = await readEvents(db, workspaceId, { after: null, type: null, limit: 200 });
      if (rows.length >= want || i > 200) return rows;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const count = (rows: EventRow[]) =>
    rows.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.type]: (acc[e.type] ?? 0) + 1 }), {});

  it('when a run is held by the threshold and then approved, then held comes first, the cleanup and card events follow, and completed comes last', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 21,
      users: 6,
      traits: CLEAN,
      groups: [{ displayName: 'Six', users: 'all' }],
    });
    const entraGroupId = ws.tenant.groups[0]!.id;
    const groupId = await linkGroup(db, ws.id, entraGroupId, {
      syncOptions: { removedUsers: 'deactivate', deletionThreshold: { maxCount: 1, maxPercent: null } },
    });
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    expect(count(await eventsOf(ws.id, 13))).toEqual({
      'recipient.created': 6,
      'card.created': 6,
      'sync_run.completed': 1,
    });

    const users = await ws.control.listUsers({ limit: 6 });
    for (const u of users.slice(0, 2)) await ws.control.removeMember(entraGroupId, u.id);
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    await waitForProgress(started, (p) => p.status === 'waiting_approval');
    await started.handle.signal(approveSignal, { approvedBy: 'test' });
    expect((await started.result()).status).toBe('completed');

    const run = (await eventsOf(ws.id, 13 + 6)).slice(13);
    expect(run.map((e) => e.type)[0]).toBe('sync_run.held');
    expect(run.at(-1)!.type).toBe('sync_run.completed');
    expect(count(run)).toEqual({
      'sync_run.held': 1,
      'recipient.deactivated': 2,
      'card.deactivated': 2,
      'sync_run.completed': 1,
    });
    expect(run[0]!.data).toMatchObject({ id: started.syncRunId, status: 'waiting_approval' });
    expect(run.at(-1)!.data).toMatchObject({
      id: started.syncRunId,
      status: 'completed',
      counts: { recipientsDeactivated: 2 },
    });
    const deactivated = run.filter((e) => e.type === 'recipient.deactivated').map((e) => e.data);
    expect(deactivated.map((d) => d.status)).toEqual(['deactivated', 'deactivated']);
    expect(deactivated.map((d) => d.entraUserId).sort()).toEqual(
      users
        .slice(0, 2)
        .map((u) => u.id)
        .sort(),
    );
  });

  it('when cleanup deletes departed members, then each gets recipient.deleted', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 22,
      users: 3,
      traits: CLEAN,
      groups: [{ displayName: 'Three', users: 'all' }],
    });
    const entraGroupId = ws.tenant.groups[0]!.id;
    const groupId = await linkGroup(db, ws.id, entraGroupId, {
      syncOptions: { removedUsers: 'delete', deletionThreshold: { maxCount: null, maxPercent: null } },
    });
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const [gone] = await ws.control.listUsers({ limit: 1 });
    await ws.control.removeMember(entraGroupId, gone!.id);
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const deleted = (await eventsOf(ws.id, 7 + 3)).filter((e) => e.type === 'recipient.deleted');
    expect(deleted.map((e) => e.data)).toEqual([
      expect.objectContaining({ entraUserId: gone!.id, status: 'deleted' }),
    ]);
  });

  it('when a run fails, then sync_run.failed carries its error', async () => {
    const ws = await createWorkspace(db, key, { seed: 3, users: 2, traits: CLEAN });
    const groupId = await linkGroup(db, ws.id, '00000000-0000-4000-8000-00000000dead');
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    await expect(started.result()).rejects.toThrow();
    const events = await eventsOf(ws.id, 1);
    expect(events.map((e) => [e.type, e.data.id])).toEqual([['sync_run.failed', started.syncRunId]]);
    expect(events[0]!.data.error).toMatchObject({ code: 'group_not_found' });
  });
});
