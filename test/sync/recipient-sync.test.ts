import { sql } from 'kysely';
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { cardOf, changesOfRun, recipientByEntraId } from './helpers/snapshot';
import { createWorkspace, linkGroup, runRecord, startRecipientSync, syncGroup } from './helpers/sync-fixture';
import type { RecipientSyncMode } from '../../contracts/workflows';
import type { SyncOptions } from '../../domain/sync-options';

const PNG_1 = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082',
  'hex',
);
const PNG_2 = Buffer.concat([PNG_1, Buffer.from([0])]);

describe('recipient sync', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  async function syncedPerson(options: Partial<SyncOptions> = {}) {
    const ws = await createWorkspace(db, key, {
      seed: 31,
      users: 3,
      traits: CLEAN,
      groups: [{ displayName: 'Team', users: 'all' }],
    });
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id, {
      cardTemplate: {
        fields: ['displayName', 'jobTitle', 'email', 'photo'],
        company: { website: 'https://contoso.example' },
      },
      syncOptions: options,
    });
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const [u] = await ws.control.listUsers({ limit: 1 });
    const recipient = (await recipientByEntraId(db, ws.id, u!.id))!;
    const sync = async (mode: RecipientSyncMode) => {
      const started = await startRecipientSync(
        db,
        stack.temporal.client,
        stack.worker.taskQueue,
        ws.id,
        recipient.id,
        mode,
      );
      await started.result();
      return runRecord(db, started.syncRunId);
    };
    const card = async () => (await cardOf(db, recipient.id, groupId))!;
    const current = async () => (await recipientByEntraId(db, ws.id, u!.id))!;
    return { ws, groupId, user: u!, recipient, sync, card, current };
  }

  it('when mode is info, then the profile follows Entra and every card version stays as it was', async () => {
    const p = await syncedPerson();
    await p.ws.control.updateUser(p.user.id, { jobTitle: 'Navigator' });
    const run = await p.sync('info');
    expect(run).toMatchObject({
      kind: 'recipient',
      mode: 'info',
      status: 'completed',
      recipientId: p.recipient.id,
    });
    expect(run.counts).toMatchObject({ membersFetched: 1, recipientsUpdated: 1 });
    expect(await p.current()).toMatchObject({ jobTitle: 'Navigator' });
    expect(await p.card()).toMatchObject({ version: 1 });
    expect(
      await db
        .selectFrom('events')
        .select('id')
        .where('syncRunId', '=', run.id)
        .where('type', 'in', ['card.created', 'card.updated', 'card.deactivated'])
        .execute(),
    ).toEqual([]);
    expect(await changesOfRun(db, run.id)).toMatchObject([
      { action: 'updated', field: 'jobTitle', newValue: 'Navigator' },
    ]);
  });

  it('when mode is cards after a manual edit, then the cards are re-rendered without a single Graph request', async () => {
    const p = await syncedPerson();
    await db
      .updateTable('recipients')
      .set({ displayName: 'Edited By Hand' })
      .where('id', '=', p.recipient.id)
      .execute();
    await p.ws.control.resetCounters();
    const run = await p.sync('cards');
    expect((await p.ws.control.counters()).total).toBe(0);
    expect(run.counts).toMatchObject({ cardsUpdated: 1 });
    const card = await p.card();
    expect(card).toMatchObject({ version: 2, content: { recipient: { displayName: 'Edited By Hand' } } });
    expect(
      await db
        .selectFrom('events')
        .select(['type', sql<number>`card_version`.as('version')])
        .where('syncRunId', '=', run.id)
        .where('type', 'in', ['card.created', 'card.updated', 'card.deactivated'])
        .execute(),
    ).toEqual([{ type: 'card.updated', version: 2 }]);
    expect((await p.sync('cards')).counts).toMatchObject({ cardsUnchanged: 1 });
  });

  it('when mode is full, then the profile and the cards are both updated in one run', async () => {
    const p = await syncedPerson();
    await p.ws.control.updateUser(p.user.id, { jobTitle: 'Quartermaster' });
    const run = await p.sync('full');
    expect(run.counts).toMatchObject({ recipientsUpdated: 1, cardsUpdated: 1 });
    expect(await p.card()).toMatchObject({
      version: 2,
      content: { recipient: { jobTitle: 'Quartermaster' } },
    });
  });

  it('when the photo field syncs, then info stores the photo by hash, rewrites it only when it changes, and cards show it', async () => {
    const p = await syncedPerson();
    await p.ws.control.setPhoto(p.user.id, { contentType: 'image/png', data: PNG_1 });
    const first = await p.sync('full');
    const photo = await db
      .selectFrom('recipientPhotos as ph')
      .innerJoin('photoBlobs as b', 'b.contentHash', 'ph.contentHash')
      .selectAll('ph')
      .select('b.data')
      .where('ph.recipientId', '=', p.recipient.id)
      .executeTakeFirstOrThrow();
    expect(photo.data.equals(PNG_1)).toBe(true);
    expect((await p.current()).photoHash).toBe(photo.contentHash);
    expect((await p.card()).content).toMatchObject({
      photo: { contentHash: photo.contentHash, contentType: 'image/png' },
    });
    expect((await changesOfRun(db, first.id)).map((c) => c.action)).toEqual(['photo']);

    const same = await p.sync('full');
    expect(same.counts).toMatchObject({ recipientsUnchanged: 1, cardsUnchanged: 1 });
    const again = await db
      .selectFrom('recipientPhotos')
      .select('updatedAt')
      .where('recipientId', '=', p.recipient.id)
      .executeTakeFirstOrThrow();
    expect(again.updatedAt).toEqual(photo.updatedAt);

    await p.ws.control.setPhoto(p.user.id, { contentType: 'image/png', data: PNG_2 });
    expect((await p.sync('full')).counts).toMatchObject({ recipientsUpdated: 1, cardsUpdated: 1 });
    expect((await p.current()).photoHash).not.toBe(photo.contentHash);
  });

  it('when the person is gone from Entra, then the run says so and the group option deactivates them', async () => {
    const p = await syncedPerson({ deletedUsers: 'deactivate' });
    await p.ws.control.deleteUser(p.user.id);
    const run = await p.sync('full');
    expect(run.status).toBe('completed');
    expect(run.counts).toMatchObject({ recipientsDeactivated: 1, cardsDeactivated: 1 });
    expect(run.counts.membersFetched ?? 0).toBe(0);
    expect(await changesOfRun(db, run.id)).toMatchObject([
      { action: 'deactivated', reason: 'deleted from the Entra ID directory' },
    ]);
    expect(await p.current()).toMatchObject({ status: 'deactivated' });
  });

  it('when the person is disabled and their groups keep disabled users, then the run reports it and changes nothing', async () => {
    const p = await syncedPerson({ disabledUsers: 'keep' });
    await p.ws.control.disableUser(p.user.id);
    const run = await p.sync('info');
    expect(await changesOfRun(db, run.id)).toMatchObject([
      { action: 'skipped', reason: expect.stringContaining('account disabled') },
    ]);
    expect(await p.current()).toMatchObject({ status: 'active', accountEnabled: false });
  });

  it('when the recipient was never linked to Entra, then info fails as not_linked and cards still works', async () => {
    const ws = await createWorkspace(db, key, { seed: 32, users: 1, traits: CLEAN });
    const manual = await db
      .insertInto('recipients')
      .values({ workspaceId: ws.id, email: 'hand@made.example', customFields: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const info = await startRecipientSync(
      db,
      stack.temporal.client,
      stack.worker.taskQueue,
      ws.id,
      manual.id,
      'info',
    );
    await expect(info.result()).rejects.toThrow(WorkflowFailedError);
    expect(await runRecord(db, info.syncRunId)).toMatchObject({
      status: 'failed',
      error: { code: 'not_linked' },
    });
    const cards = await startRecipientSync(
      db,
      stack.temporal.client,
      stack.worker.taskQueue,
      ws.id,
      manual.id,
      'cards',
    );
    expect((await cards.result()).status).toBe('completed');
  });
});
