import { MockActivityEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { groupPreviewWorkflowId } from '../../contracts/workflows';
import type { Db } from '../../db/database';
import { listRecipientChanges } from '../../db/repositories/recipients';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { changesOfRun, workspaceState } from './helpers/snapshot';
import {
  createWorkspace,
  linkGroup,
  runRecord,
  setGroupOptions,
  startGroupSync,
  syncGroup,
  testActivities,
  type Workspace,
} from './helpers/sync-fixture';

/** Everything a preview must leave as it was: the workspace's synced data and the group's sync state. */
async function untouchable(db: Db, workspaceId: string, groupId: string) {
  const { changes: _history, ...state } = await workspaceState(db, workspaceId);
  const group = await db
    .selectFrom('groups')
    .select([
      'name',
      'description',
      'membersDeltaLink',
      'usersDeltaLink',
      'deltaLinksBasis',
      'lastFullSyncAt',
      'lastSyncedAt',
      'updatedAt',
    ])
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  const { rows: photos } = await sql<{ recipientId: string; contentHash: string }>`
    select p.recipient_id, p.content_hash from recipient_photos p
    join recipients r on r.id = p.recipient_id where r.workspace_id = ${workspaceId} order by 1`.execute(db);
  return { state, group, photos };
}

/** A run's changes as (person, action, field), comparable between a preview and a sync. */
const changeKeys = (rows: Array<{ entraUserId: string | null; action: string; field: string | null }>) =>
  rows.map((r) => `${r.entraUserId} ${r.action} ${r.field ?? ''}`).sort();

describe('group preview (kind preview)', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  async function startPreview(workspaceId: string, groupId: string) {
    const syncRunId = randomUUID();
    const workflowId = groupPreviewWorkflowId(groupId);
    await db
      .insertInto('syncRuns')
      .values({
        id: syncRunId,
        workspaceId,
        kind: 'preview',
        trigger: 'api',
        workflowId,
        groupId,
        syncType: 'full',
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
      })
      .execute();
    const handle = await stack.temporal.client.workflow.start('groupPreviewWorkflow', {
      taskQueue: stack.worker.taskQueue,
      workflowId,
      args: [{ workspaceId, groupId, trigger: 'api', syncRunId }],
    });
    return { syncRunId, result: () => handle.result() };
  }

  async function syncedGroup(
    members: number,
  ): Promise<{ ws: Workspace; groupId: string; entraGroupId: string }> {
    const ws = await createWorkspace(db, key, {
      seed: 41,
      users: members + 10,
      traits: { ...CLEAN, photo: 0.3 },
      groups: [{ displayName: 'Field Team', users: members }],
    });
    const entraGroupId = ws.tenant.groups[0]!.id;
    const groupId = await linkGroup(db, ws.id, entraGroupId);
    const first = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    expect(first).toMatchObject({ status: 'completed' });
    return { ws, groupId, entraGroupId };
  }

  it('when members changed, left, were disabled, deleted or joined, then a preview writes nothing of the workspace or the group, and the sync after it does what it planned', async () => {
    const { ws, groupId, entraGroupId } = await syncedGroup(30);
    const [changed, leaver, disabled, deleted, later] = await ws.control.listUsers({ offset: 3, limit: 5 });
    await ws.control.updateUser(changed!.id, { jobTitle: 'Chief Cartographer' });
    await ws.control.removeMember(entraGroupId, leaver!.id);
    await ws.control.disableUser(disabled!.id);
    await ws.control.deleteUser(deleted!.id);
    const joiner = await ws.control.createUser({
      props: { displayName: 'Jo Joiner', givenName: 'Jo', surname: 'Joiner', jobTitle: 'New Hire' },
    });
    await ws.control.addMember(entraGroupId, joiner.id);
    await ws.control.updateGroup(entraGroupId, { displayName: 'Renamed Team' });

    const before = await untouchable(db, ws.id, groupId);
    const preview = await startPreview(ws.id, groupId);
    expect(await preview.result()).toMatchObject({ status: 'completed' });
    expect(await untouchable(db, ws.id, groupId)).toEqual(before);

    const record = await runRecord(db, preview.syncRunId);
    expect(record).toMatchObject({ kind: 'preview', status: 'completed' });
    expect(record.counts).toMatchObject({
      wouldCreate: 1,
      wouldUpdate: 1,
      wouldDeactivate: 2, // the disabled and the deleted member (deletedUsers: deactivate)
      wouldRemoveFromGroup: 1, // the leaver (removedUsers: remove_from_group)
    });
    expect(record.counts.wouldDelete ?? 0).toBe(0);
    expect(record.counts.wouldReactivate ?? 0).toBe(0);
    const planned = await changesOfRun(db, preview.syncRunId);
    expect(planned.every((c) => c.planned)).toBe(true);
    expect(changeKeys(planned)).toEqual(
      [
        `${joiner.id} created `,
        `${changed!.id} updated jobTitle`,
        `${leaver!.id} removed_from_group `,
        `${disabled!.id} deactivated status`,
        `${deleted!.id} deactivated status`,
      ].sort(),
    );
    // A planned creation names no recipient: there is none.
    expect(planned.find((c) => c.action === 'created')?.recipientId).toBeNull();
    // Planned changes are no part of a recipient's history.
    const leaverRecipient = planned.find((c) => c.entraUserId === leaver!.id)!.recipientId!;
    const history = await listRecipientChanges(db, ws.id, leaverRecipient, { limit: 100 });
    expect(history.some((h) => h.syncRunId === preview.syncRunId)).toBe(false);

    // The preview is a forecast: the sync reads the directory again and sees a change made since.
    await ws.control.updateUser(later!.id, { jobTitle: 'Changed After The Preview' });
    const sync = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      full: true,
    });
    expect(sync).toMatchObject({ status: 'completed' });
    expect(sync.counts).toMatchObject({
      recipientsCreated: 1,
      recipientsUpdated: 2,
      recipientsDeactivated: 2,
    });
    const done = await changesOfRun(db, sync.id);
    expect(done.every((c) => !c.planned)).toBe(true);
    expect(changeKeys(done)).toEqual(
      changeKeys([...planned, { entraUserId: later!.id, action: 'updated', field: 'jobTitle' }]),
    );
    const after = await untouchable(db, ws.id, groupId);
    expect(after.group.name).toBe('Renamed Team');
    expect(after.state.memberships.map((m) => m.entraUserId)).toContain(joiner.id);
    expect(after.state.memberships.map((m) => m.entraUserId)).not.toContain(leaver!.id);
  }, 120_000);

  it('when a deactivated member is enabled again and another is deleted under deletedUsers: delete, then the preview plans the reactivation and the deletion the sync then makes', async () => {
    const { ws, groupId } = await syncedGroup(20);
    await setGroupOptions(db, groupId, { deletedUsers: 'delete' });
    const [comeback, gone] = await ws.control.listUsers({ offset: 2, limit: 2 });
    await ws.control.disableUser(comeback!.id);
    const off = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      full: true,
    });
    expect(off.counts).toMatchObject({ recipientsDeactivated: 1 });
    await ws.control.enableUser(comeback!.id);
    await ws.control.deleteUser(gone!.id);

    const preview = await startPreview(ws.id, groupId);
    await preview.result();
    const record = await runRecord(db, preview.syncRunId);
    expect(record.counts).toMatchObject({ wouldReactivate: 1, wouldDelete: 1 });
    expect(record.counts.wouldCreate ?? 0).toBe(0);
    const planned = await changesOfRun(db, preview.syncRunId);

    const sync = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      full: true,
    });
    expect(sync.counts).toMatchObject({ recipientsReactivated: 1, recipientsDeleted: 1 });
    expect(changeKeys(await changesOfRun(db, sync.id))).toEqual(changeKeys(planned));
  }, 120_000);

  it('when a group has never been synced, then its preview applies nothing ahead and plans every member as created', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 43,
      users: 25,
      traits: CLEAN,
      groups: [{ displayName: 'New Team', users: 20 }],
    });
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    const preview = await startPreview(ws.id, groupId);
    expect(await preview.result()).toMatchObject({ status: 'completed' });
    const record = await runRecord(db, preview.syncRunId);
    expect(record.counts).toMatchObject({ wouldCreate: 20 });
    const state = await untouchable(db, ws.id, groupId);
    expect(state.state.recipients).toEqual([]);
    expect(state.state.memberships).toEqual([]);
    expect(state.group).toMatchObject({ name: 'linked group', lastFullSyncAt: null, membersDeltaLink: null });

    const sync = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    expect(sync.counts).toMatchObject({ recipientsCreated: 20, cardsCreated: 20 });
  }, 120_000);

  it('when planPreview runs again after it finished (a retried attempt), then nothing is planned or counted twice', async () => {
    const { ws, groupId, entraGroupId } = await syncedGroup(20);
    const [changed, leaver] = await ws.control.listUsers({ offset: 1, limit: 2 });
    await ws.control.updateUser(changed!.id, { jobTitle: 'Retried Title' });
    await ws.control.removeMember(entraGroupId, leaver!.id);
    const preview = await startPreview(ws.id, groupId);
    // The workflow's own run is over (its staging dropped): plan a second run by hand, twice.
    await preview.result();
    const syncRunId = randomUUID();
    await db
      .insertInto('syncRuns')
      .values({
        id: syncRunId,
        workspaceId: ws.id,
        kind: 'preview',
        trigger: 'api',
        workflowId: `by-hand-${syncRunId}`,
        groupId,
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
      })
      .execute();
    const activities = testActivities(db, key);
    const scope = { syncRunId, workspaceId: ws.id, groupId };
    const env = () => new MockActivityEnvironment();
    await env().run(() => activities.fetchMembers({ ...scope, forecast: true }));
    await env().run(() => activities.planCleanUp({ ...scope, syncType: 'full' }));
    type Planned = Awaited<ReturnType<typeof activities.planPreview>>;
    const first = (await env().run(() => activities.planPreview(scope))) as Planned;
    const again = (await env().run(() => activities.planPreview(scope))) as Planned;
    expect(first.counts).toMatchObject({ wouldUpdate: 1, wouldRemoveFromGroup: 1 });
    expect(again.counts).toEqual(first.counts);
    // The same plan as the workflow's run (stored counts leave zeros out).
    const stored: Record<string, number> = (await runRecord(db, preview.syncRunId)).counts;
    expect(Object.fromEntries(Object.keys(first.counts).map((k) => [k, stored[k] ?? 0]))).toEqual(
      first.counts,
    );
    expect(changeKeys(await changesOfRun(db, syncRunId))).toEqual(
      changeKeys(await changesOfRun(db, preview.syncRunId)),
    );
  }, 120_000);

  it('when a preview and a sync of the same group are started together, then both run and complete', async () => {
    const { ws, groupId, entraGroupId } = await syncedGroup(60);
    const joiner = await ws.control.createUser({ props: { displayName: 'Al Beside', jobTitle: 'Twin' } });
    await ws.control.addMember(entraGroupId, joiner.id);

    const preview = await startPreview(ws.id, groupId);
    const sync = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      full: true,
    });
    const [p, s] = await Promise.all([preview.result(), sync.result()]);
    expect(p).toMatchObject({ status: 'completed' });
    expect(s).toMatchObject({ status: 'completed' });
    expect((await runRecord(db, preview.syncRunId)).counts).toMatchObject({
      wouldCreate: expect.any(Number),
    });
    expect((await runRecord(db, sync.syncRunId)).counts).toMatchObject({ recipientsCreated: 1 });
  }, 120_000);
});
