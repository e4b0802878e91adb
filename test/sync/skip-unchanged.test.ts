import { describe, expect, it } from 'vitest';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { changesOfRun, countRows } from './helpers/snapshot';
import { createWorkspace, linkGroup, saveFieldSettings, syncGroup } from './helpers/sync-fixture';
import { DEFAULT_CARD_TEMPLATE } from '../../domain/card';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';

describe('full re-syncs skip what did not change', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  async function syncedGroup() {
    const ws = await createWorkspace(db, key, {
      seed: 31,
      users: 8,
      traits: CLEAN,
      groups: [{ displayName: 'Ops', users: 'all' }],
    });
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    const first = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    expect(first.counts).toMatchObject({ recipientsCreated: 8, cardsCreated: 8 });
    const resync = () =>
      syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, { full: true });
    return { ws, groupId, resync };
  }

  const recipientsOf = (workspaceId: string) =>
    db
      .selectFrom('recipients')
      .select(['id', 'entraUserId', 'jobTitle', 'entraSourceHash', 'updatedAt'])
      .where('workspaceId', '=', workspaceId)
      .orderBy('id')
      .execute();
  const cardsOf = (groupId: string) =>
    db
      .selectFrom('cards')
      .select(['id', 'version', 'sourceKey', 'updatedAt'])
      .where('groupId', '=', groupId)
      .orderBy('id')
      .execute();

  it('when nothing changed, then no recipient or card row is written and every one is counted unchanged', async () => {
    const { ws, groupId, resync } = await syncedGroup();
    const recipients = await recipientsOf(ws.id);
    const cards = await cardsOf(groupId);
    expect(recipients.every((r) => r.entraSourceHash)).toBe(true);
    expect(cards.every((c) => c.sourceKey)).toBe(true);

    const run = await resync();
    expect(run.counts).toMatchObject({ recipientsUnchanged: 8, cardsUnchanged: 8 });
    expect(await recipientsOf(ws.id)).toEqual(recipients);
    expect(await cardsOf(groupId)).toEqual(cards);
  });

  it('when a recipient is edited outside the sync, then the next full sync applies that person again and restores the synced field', async () => {
    const { ws, resync } = await syncedGroup();
    const [edited] = await recipientsOf(ws.id);
    await db
      .updateTable('recipients')
      .set({ jobTitle: 'Edited by hand' })
      .where('id', '=', edited!.id)
      .execute();
    const afterEdit = await db
      .selectFrom('recipients')
      .select('entraSourceHash')
      .where('id', '=', edited!.id)
      .executeTakeFirstOrThrow();
    expect(afterEdit.entraSourceHash).toBeNull();

    const run = await resync();
    expect(run.counts).toMatchObject({ recipientsUpdated: 1, recipientsUnchanged: 7 });
    const restored = (await recipientsOf(ws.id)).find((r) => r.id === edited!.id)!;
    expect(restored.jobTitle).toBe(edited!.jobTitle);
    expect(restored.entraSourceHash).toBe(edited!.entraSourceHash);
    expect(await changesOfRun(db, run.id)).toMatchObject([
      { action: 'updated', field: 'jobTitle', oldValue: 'Edited by hand', newValue: edited!.jobTitle },
    ]);
  });

  it('when the group card template changes, then every card gets a new version though no recipient changed', async () => {
    const { ws, groupId, resync } = await syncedGroup();
    await db
      .updateTable('groups')
      .set({
        cardTemplate: JSON.stringify({
          ...DEFAULT_CARD_TEMPLATE,
          company: { website: 'https://ops.example' },
        }),
      })
      .where('id', '=', groupId)
      .execute();

    const run = await resync();
    expect(run.counts).toMatchObject({ recipientsUnchanged: 8, cardsUpdated: 8 });
    expect(run.counts.cardsUnchanged ?? 0).toBe(0);
    const cards = await db
      .selectFrom('cards')
      .select(['version', 'content'])
      .where('groupId', '=', groupId)
      .execute();
    expect(cards.map((c) => c.version)).toEqual(Array(8).fill(2));
    expect(cards.every((c) => (c.content as { company: object }).company)).toBe(true);
    expect((cards[0]!.content as { company: Record<string, string> }).company.website).toBe(
      'https://ops.example',
    );
    expect((await countRows(db, ws.id)).events).toBe(16);
  });

  it('when Field Settings change, then every member is applied again under them, and only once', async () => {
    const { ws, resync } = await syncedGroup();
    const before = await recipientsOf(ws.id);
    await saveFieldSettings(
      db,
      ws.id,
      DEFAULT_FIELD_SETTINGS.map((s) => (s.field === 'jobTitle' ? { ...s, sync: false } : s)),
    );

    const run = await resync();
    expect(run.counts).toMatchObject({ recipientsUnchanged: 8 });
    const after = await recipientsOf(ws.id);
    expect(after.map((r) => r.jobTitle)).toEqual(before.map((r) => r.jobTitle));
    for (const [i, r] of after.entries()) {
      expect(r.entraSourceHash).not.toBeNull();
      expect(r.entraSourceHash).not.toBe(before[i]!.entraSourceHash);
    }
    const again = await resync();
    expect(again.counts).toMatchObject({ recipientsUnchanged: 8 });
    expect(await recipientsOf(ws.id)).toEqual(after);
  });

  it('when cards carry no source key (rendered before keys existed), then a full sync keys them without writing versions', async () => {
    const { ws, groupId, resync } = await syncedGroup();
    const keyed = await cardsOf(groupId);
    await db.updateTable('cards').set({ sourceKey: null }).where('groupId', '=', groupId).execute();
    const rowsBefore = await countRows(db, ws.id);

    const run = await resync();
    expect(run.counts).toMatchObject({ cardsUnchanged: 8 });
    expect(await countRows(db, ws.id)).toEqual(rowsBefore);
    expect((await cardsOf(groupId)).map((c) => c.sourceKey)).toEqual(keyed.map((c) => c.sourceKey));
  });
});
