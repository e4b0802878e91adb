import { describe, expect, it } from 'vitest';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import { approveSignal } from '../../contracts/progress';
import { countRows, recipientByEntraId } from './helpers/snapshot';
import {
  createWorkspace,
  linkGroup,
  runRecord,
  saveFieldSettings,
  startGroupSync,
  syncGroup,
  type StartedSync,
  waitForProgress,
} from './helpers/sync-fixture';

const LATER_PHASES = [
  'planning_cleanup',
  'waiting_approval',
  'applying_field_settings',
  'cleaning_up',
  'updating_cards',
  'done',
];
const NO_PHOTO = DEFAULT_FIELD_SETTINGS.filter((s) => s.field !== 'photo');

describe("a group's first listing applies its members as it pages", () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  /** A workspace (photos off) whose one group of `users` is linked and not synced yet. */
  async function groupOfAll(seed: number, users: number) {
    const ws = await createWorkspace(db, key, {
      seed,
      users,
      traits: CLEAN,
      groups: [{ displayName: 'Everyone', users: 'all' }],
    });
    await saveFieldSettings(db, ws.id, NO_PHOTO);
    const entraGroupId = ws.tenant.groups[0]!.id;
    return { ws, entraGroupId, groupId: await linkGroup(db, ws.id, entraGroupId) };
  }

  const fetchCheckpoint = async (started: StartedSync) =>
    ((await runRecord(db, started.syncRunId)).checkpoint as { fetchMembers: Record<string, unknown> })
      .fetchMembers;

  it('when a group without members is synced, then recipients appear while it still lists, and a re-sync lists without applying ahead', async () => {
    const { ws, groupId } = await groupOfAll(61, 2500);
    // Three member pages, each answered after 300 ms: the first two are applied before the last arrives.
    await ws.control.setFaults({ latencyMs: 300 });
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    let createdWhileListing = 0;
    for (;;) {
      const { phase, status } = await runRecord(db, started.syncRunId);
      if (status !== 'running' || (phase && LATER_PHASES.includes(phase))) break;
      if (phase === 'fetching_members')
        createdWhileListing = Math.max(createdWhileListing, (await countRows(db, ws.id)).recipients);
      await new Promise((r) => setTimeout(r, 25));
    }
    await ws.control.setFaults({ latencyMs: 0 });
    const result = await started.result();
    expect(result.status).toBe('completed');
    expect(createdWhileListing).toBeGreaterThan(0);
    expect(await fetchCheckpoint(started)).toMatchObject({ done: true, applyAhead: true });
    const rows = await countRows(db, ws.id);
    expect(rows).toMatchObject({ recipients: 2500, memberships: 2500, cards: 2500, events: 2500 });
    expect(result.counts).toMatchObject({
      membersFetched: 2500,
      recipientsCreated: 2500,
      cardsCreated: 2500,
    });

    const again = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      full: true,
    });
    const resynced = (await again.result()).counts;
    expect(resynced).toMatchObject({ membersFetched: 2500, recipientsUnchanged: 2500, cardsUnchanged: 2500 });
    expect(resynced.recipientsCreated ?? 0).toBe(0);
    expect(await fetchCheckpoint(again)).toMatchObject({ applyAhead: false });
    expect(await countRows(db, ws.id)).toEqual(rows);
  });

  it('when photos sync, then the listing that applies ahead downloads them for the people it creates', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 64,
      users: 12,
      traits: { ...CLEAN, photo: 1 },
      groups: [{ displayName: 'Faces', users: 'all' }],
    });
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    expect((await started.result()).counts).toMatchObject({ recipientsCreated: 12, cardsCreated: 12 });
    expect(await fetchCheckpoint(started)).toMatchObject({ applyAhead: true });
    const recipients = await db
      .selectFrom('recipients')
      .innerJoin('recipientPhotos', 'recipientPhotos.recipientId', 'recipients.id')
      .select(['recipients.photoHash', 'recipientPhotos.contentHash'])
      .where('recipients.workspaceId', '=', ws.id)
      .execute();
    expect(recipients).toHaveLength(12);
    for (const r of recipients) expect(r.photoHash).toBe(r.contentHash);
  });

  it('when a group without members still holds an active card of someone not listed, then the listing that applies ahead deactivates it', async () => {
    const { ws, entraGroupId, groupId } = await groupOfAll(63, 10);
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    // As a run leaves the group when it ends the memberships and dies before its card write.
    await db.deleteFrom('groupMemberships').where('groupId', '=', groupId).execute();
    const [gone] = await ws.control.listUsers({ limit: 1 });
    await ws.control.removeMember(entraGroupId, gone!.id);

    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      full: true,
    });
    const { counts } = await started.result();
    expect(await fetchCheckpoint(started)).toMatchObject({ applyAhead: true });
    expect(counts).toMatchObject({ membersFetched: 9, cardsUnchanged: 9, cardsDeactivated: 1 });
    const cards = await db
      .selectFrom('cards')
      .innerJoin('recipients', 'recipients.id', 'cards.recipientId')
      .select(['recipients.entraUserId', 'cards.status'])
      .where('cards.groupId', '=', groupId)
      .execute();
    expect(cards).toHaveLength(10);
    for (const card of cards)
      expect(card.status).toBe(card.entraUserId === gone!.id ? 'deactivated' : 'active');
  });

  it('when a first sync meets a disabled person the workspace knows, then cleanup still waits for approval before touching them', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 62,
      users: 30,
      traits: CLEAN,
      groups: [
        { displayName: 'Known', users: 10 },
        { displayName: 'New', users: 'all' },
      ],
    });
    await saveFieldSettings(db, ws.id, NO_PHOTO);
    const known = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, known);
    const [disabled] = await ws.control.listUsers({ limit: 1 });
    await ws.control.disableUser(disabled!.id);
    const fresh = await linkGroup(db, ws.id, ws.tenant.groups[1]!.id, {
      syncOptions: { disabledUsers: 'deactivate', deletionThreshold: { maxCount: 0, maxPercent: 10 } },
    });

    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, fresh);
    const held = await waitForProgress(started, (p) => p.status === 'waiting_approval');
    // Weighed against the group as it was when its listing began: no members.
    expect(held.pendingApproval).toMatchObject({ wouldRemove: 1, memberCount: 0 });
    expect(await fetchCheckpoint(started)).toMatchObject({ applyAhead: true });
    expect(await recipientByEntraId(db, ws.id, disabled!.id)).toMatchObject({ status: 'active' });
    // The 20 people new to the workspace were applied ahead; the disabled one waits.
    expect((await countRows(db, ws.id)).recipients).toBe(30);

    await started.handle.signal(approveSignal);
    expect((await started.result()).status).toBe('completed');
    expect(await recipientByEntraId(db, ws.id, disabled!.id)).toMatchObject({ status: 'deactivated' });
  });
});
