import { describe, expect, it } from 'vitest';
import { DEFAULT_CARD_TEMPLATE } from '../../domain/card';
import { DEFAULT_FIELD_SETTINGS, type FieldSetting } from '../../domain/fields';
import type { SyncOptions } from '../../domain/sync-options';
import { cardOf, recipientByEntraId } from './helpers/snapshot';
import {
  createWorkspace,
  linkGroup,
  saveFieldSettings,
  setGroupOptions,
  syncGroup,
} from './helpers/sync-fixture';
import { CLEAN, useSyncStack } from './helpers/sync-stack';

/** Photos are one request per person; these tests are about other fields. */
const NO_PHOTOS = DEFAULT_FIELD_SETTINGS.map((s) => (s.field === 'photo' ? { ...s, sync: false } : s));
const jobTitleOverwriteOff = NO_PHOTOS.map((s) => (s.field === 'jobTitle' ? { ...s, overwrite: false } : s));

describe('workspace-side changes under delta sync', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  /** A synced group with delta links: the next plain sync is a delta run unless settings changed. */
  async function syncedGroup(opts: { settings?: FieldSetting[]; options?: Partial<SyncOptions> } = {}) {
    const ws = await createWorkspace(db, key, {
      seed: 41,
      users: 6,
      traits: CLEAN,
      groups: [{ displayName: 'Sales', users: 6 }],
    });
    await saveFieldSettings(db, ws.id, opts.settings ?? NO_PHOTOS);
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id, { syncOptions: opts.options });
    const sync = () => syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    expect(await sync()).toMatchObject({ status: 'completed', syncType: 'full' });
    const [person] = await ws.control.listUsers({ limit: 1 });
    const recipient = (await recipientByEntraId(db, ws.id, person!.id))!;
    return { ws, groupId, sync, person: person!, recipient };
  }

  const setRecipient = (id: string, values: Record<string, unknown>) =>
    db.updateTable('recipients').set(values).where('id', '=', id).execute();

  it('when a workspace value is cleared under overwrite-off, then the next delta sync fills it from Entra', async () => {
    const g = await syncedGroup({ settings: jobTitleOverwriteOff });
    const entraTitle = g.recipient.jobTitle;
    expect(entraTitle).toBeTruthy();
    await setRecipient(g.recipient.id, { jobTitle: null });

    const run = await g.sync();
    expect(run).toMatchObject({ status: 'completed', syncType: 'delta' });
    expect((await recipientByEntraId(db, g.ws.id, g.person.id))!.jobTitle).toBe(entraTitle);
    expect(run.counts).toMatchObject({ membersFetched: 1, recipientsUpdated: 1 });
    // Applied again, the recipient is not read on the run after.
    expect((await g.sync()).counts.membersFetched ?? 0).toBe(0);
  });

  it('when a lock is removed, then the next delta sync applies Entra’s value to the field', async () => {
    const g = await syncedGroup();
    const entraTitle = g.recipient.jobTitle;
    await setRecipient(g.recipient.id, { jobTitle: 'Kept By Hand', lockedFields: ['jobTitle'] });
    expect(await g.sync()).toMatchObject({ syncType: 'delta' });
    expect((await recipientByEntraId(db, g.ws.id, g.person.id))!.jobTitle).toBe('Kept By Hand');

    await setRecipient(g.recipient.id, { lockedFields: [] });
    expect(await g.sync()).toMatchObject({ status: 'completed', syncType: 'delta' });
    expect((await recipientByEntraId(db, g.ws.id, g.person.id))!.jobTitle).toBe(entraTitle);
    expect((await cardOf(db, g.recipient.id, g.groupId))!.content).toMatchObject({
      recipient: { jobTitle: entraTitle },
    });
  });

  it('when a field setting changes, then the next sync applies it to every member', async () => {
    const g = await syncedGroup();
    const department = g.recipient.department;
    expect(department).toBeTruthy();
    await saveFieldSettings(
      db,
      g.ws.id,
      NO_PHOTOS.map((s) => (s.field === 'jobTitle' ? { ...s, source: 'department' } : s)),
    );
    const run = await g.sync();
    expect(run).toMatchObject({ status: 'completed', syncType: 'full' });
    expect((await recipientByEntraId(db, g.ws.id, g.person.id))!.jobTitle).toBe(department);
    expect(run.counts.recipientsUpdated).toBe(6);
  });

  it('when a sync option changes, then the next sync applies it', async () => {
    const g = await syncedGroup({ options: { createCardsForNewMembers: false } });
    expect(await cardOf(db, g.recipient.id, g.groupId)).toBeUndefined();
    await setGroupOptions(db, g.groupId, { createCardsForNewMembers: true });
    const run = await g.sync();
    expect(run).toMatchObject({ status: 'completed', syncType: 'full' });
    expect(run.counts.cardsCreated).toBe(6);
    expect(await cardOf(db, g.recipient.id, g.groupId)).toMatchObject({ status: 'active' });
  });

  it('when the card template changes, then the next sync renders every card again', async () => {
    const g = await syncedGroup();
    await db
      .updateTable('groups')
      .set({
        cardTemplate: JSON.stringify({
          ...DEFAULT_CARD_TEMPLATE,
          company: { website: 'https://example.com' },
        }),
      })
      .where('id', '=', g.groupId)
      .execute();
    const run = await g.sync();
    expect(run).toMatchObject({ status: 'completed' });
    expect(run.counts.cardsUpdated).toBe(6);
    expect((await cardOf(db, g.recipient.id, g.groupId))!.content).toMatchObject({
      company: { website: 'https://example.com' },
    });
  });

  it('when a delta run reads one change, then its run counts the whole group like a full run would', async () => {
    const g = await syncedGroup();
    await g.ws.control.updateUser(g.person.id, { jobTitle: 'Counted Once' });
    const delta = await g.sync();
    expect(delta).toMatchObject({ syncType: 'delta', memberCount: 6 });
    expect(delta.counts).toMatchObject({ membersFetched: 1, recipientsUpdated: 1, recipientsUnchanged: 5 });

    const full = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, g.ws.id, g.groupId, {
      full: true,
    });
    expect(full).toMatchObject({ syncType: 'full', memberCount: 6 });
    expect(full.counts).toMatchObject({ membersFetched: 6, recipientsUnchanged: 6 });
  });
});

describe('photos of existing members', () => {
  const stack = useSyncStack();
  const { db, key } = stack;
  const png = (seed: number) =>
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, seed)]);

  it('when a member changes their Entra photo, then the next full group sync stores it and writes one card version', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 43,
      users: 4,
      traits: CLEAN,
      groups: [{ displayName: 'Studio', users: 4 }],
    });
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    const sync = (full = false) =>
      syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, { full });
    const [person] = await ws.control.listUsers({ limit: 1 });
    await ws.control.setPhoto(person!.id, { contentType: 'image/png', data: png(1) });
    expect(await sync()).toMatchObject({ status: 'completed' });
    const before = (await recipientByEntraId(db, ws.id, person!.id))!;
    expect(before.photoHash).toBeTruthy();

    await ws.control.setPhoto(person!.id, { contentType: 'image/png', data: png(2) });
    const run = await sync(true);
    expect(run).toMatchObject({ status: 'completed', syncType: 'full' });
    const after = (await recipientByEntraId(db, ws.id, person!.id))!;
    expect(after.photoHash).not.toBe(before.photoHash);
    expect(run.counts).toMatchObject({ recipientsUpdated: 1, recipientsUnchanged: 3, cardsUpdated: 1 });
    const card = (await cardOf(db, before.id, groupId))!;
    expect(card.content).toMatchObject({ photo: { contentHash: after.photoHash } });

    // Unchanged since: the next full sync checks the photo again and writes nothing.
    const again = await sync(true);
    expect(again.counts).toMatchObject({ recipientsUnchanged: 4 });
    expect(again.counts.cardsUpdated ?? 0).toBe(0);
  });
});
