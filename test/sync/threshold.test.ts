import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { approveSignal } from '../../contracts/progress';
import { countRows } from './helpers/snapshot';
import {
  createWorkspace,
  linkGroup,
  runRecord,
  startGroupSync,
  syncGroup,
  waitForProgress,
} from './helpers/sync-fixture';

describe('deletion threshold', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  /** A synced group of 10 with a 20% threshold, 4 of whom then leave (40%), plus one job-title edit. */
  async function heldSync() {
    const ws = await createWorkspace(db, key, {
      seed: 21,
      users: 10,
      traits: CLEAN,
      groups: [{ displayName: 'Ten', users: 'all' }],
    });
    const entraGroupId = ws.tenant.groups[0]!.id;
    const groupId = await linkGroup(db, ws.id, entraGroupId, {
      syncOptions: { removedUsers: 'deactivate', deletionThreshold: { maxCount: null, maxPercent: 20 } },
    });
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const users = await ws.control.listUsers({ limit: 10 });
    for (const u of users.slice(0, 4)) await ws.control.removeMember(entraGroupId, u.id);
    await ws.control.updateUser(users[9]!.id, { jobTitle: 'Held Back' });
    const before = await countRows(db, ws.id);
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const progress = await waitForProgress(started, (p) => p.status === 'waiting_approval');
    return { ws, groupId, started, progress, before };
  }

  it('when cleanup would remove more than the threshold, then the run waits for approval and has applied nothing', async () => {
    const { ws, started, progress, before } = await heldSync();
    expect(progress.pendingApproval).toMatchObject({ wouldRemove: 4, memberCount: 10 });
    expect(progress.pendingApproval!.reason).toContain('20%');
    const run = await runRecord(db, started.syncRunId);
    expect(run).toMatchObject({
      status: 'waiting_approval',
      phase: 'waiting_approval',
      // removedUsers deactivate: each leaver is deactivated (and leaves the group): a deactivation.
      hold: {
        threshold: { maxCount: null, maxPercent: 20 },
        wouldDeactivate: 4,
        wouldDelete: 0,
        wouldRemoveFromGroup: 0,
        outcome: null,
      },
    });
    const planned = await db
      .selectFrom('recipientChanges')
      .select(['action', 'field', 'oldValue', 'newValue'])
      .where('syncRunId', '=', started.syncRunId)
      .where('planned', '=', true)
      .execute();
    expect(planned).toEqual(
      Array(4).fill({ action: 'deactivated', field: 'status', oldValue: 'active', newValue: 'deactivated' }),
    );
    expect(await countRows(db, ws.id)).toEqual(before);
    expect(
      await db
        .selectFrom('recipients')
        .select('jobTitle')
        .where('workspaceId', '=', ws.id)
        .where('jobTitle', '=', 'Held Back')
        .execute(),
    ).toEqual([]);
    await started.handle.cancel();
    await expect(started.result()).rejects.toThrow(WorkflowFailedError);
  });

  it('when the operator approves, then the cleanup and the other changes are applied', async () => {
    const { ws, groupId, started } = await heldSync();
    await started.handle.signal(approveSignal, { approvedBy: 'test' });
    const result = await started.result();
    expect(result.status).toBe('completed');
    const run = await runRecord(db, started.syncRunId);
    expect(run.status).toBe('completed');
    expect(run.counts).toMatchObject({ recipientsDeactivated: 4, cardsDeactivated: 4, recipientsUpdated: 1 });
    const members = await db
      .selectFrom('groupMemberships')
      .select('recipientId')
      .where('groupId', '=', groupId)
      .execute();
    expect(members).toHaveLength(6);
    expect(
      await db
        .selectFrom('recipients')
        .select('id')
        .where('workspaceId', '=', ws.id)
        .where('status', '=', 'deactivated')
        .execute(),
    ).toHaveLength(4);
  });

  it('when the operator cancels instead, then the run ends canceled and nothing was applied', async () => {
    const { ws, started, before } = await heldSync();
    await started.handle.cancel();
    await expect(started.result()).rejects.toThrow(WorkflowFailedError);
    const run = await runRecord(db, started.syncRunId);
    expect(run.status).toBe('canceled');
    expect(run.finishedAt).not.toBeNull();
    expect(await countRows(db, ws.id)).toEqual(before);
    expect(
      await db
        .selectFrom('recipients')
        .select('status')
        .where('workspaceId', '=', ws.id)
        .where('status', '<>', 'active')
        .execute(),
    ).toEqual([]);
    expect(
      await db
        .selectFrom('syncStagedMembers')
        .select('entraUserId')
        .where('syncRunId', '=', started.syncRunId)
        .execute(),
    ).toEqual([]);
  });

  it('when cleanup stays within the threshold, then the run does not wait', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 22,
      users: 10,
      traits: CLEAN,
      groups: [{ displayName: 'Ten', users: 'all' }],
    });
    const entraGroupId = ws.tenant.groups[0]!.id;
    const groupId = await linkGroup(db, ws.id, entraGroupId, {
      syncOptions: { deletionThreshold: { maxCount: 1, maxPercent: 20 } },
    });
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const [u] = await ws.control.listUsers({ limit: 1 });
    await ws.control.removeMember(entraGroupId, u!.id);
    expect((await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId)).status).toBe(
      'completed',
    );
  });
});
