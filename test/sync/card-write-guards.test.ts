import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database';
import { DEFAULT_CARD_TEMPLATE, DEFAULT_SYNC_OPTIONS } from '../../sync/fields';
import { planCardChunk, writeCardChunk } from '../../activities/support/reconcile-cards';
import { testDb } from '../helpers/stack';
import { insertRunRecord } from './helpers/run-record';

/**
 * updateCards reads and decides the next chunk without the workspace lock while it writes the
 * current one; these are the races that read can lose, played out by hand.
 */
describe('card writes decided from an earlier read', () => {
  let db: Db;
  beforeAll(() => {
    db = testDb();
  });
  afterAll(async () => db?.destroy());

  async function setUp() {
    const runId = await insertRunRecord(db, { finished: false });
    const { workspaceId } = await db
      .selectFrom('syncRuns')
      .select('workspaceId')
      .where('id', '=', runId)
      .executeTakeFirstOrThrow();
    const group = await db
      .insertInto('groups')
      .values({
        workspaceId,
        entraGroupId: randomUUID(),
        name: 'Sales',
        syncOptions: JSON.stringify(DEFAULT_SYNC_OPTIONS),
        cardTemplate: JSON.stringify(DEFAULT_CARD_TEMPLATE),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const recipient = await db
      .insertInto('recipients')
      .values({ workspaceId, email: `ada-${randomUUID()}@example.com`, jobTitle: 'Engineer' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('groupMemberships')
      .values({ groupId: group.id, recipientId: recipient.id })
      .execute();
    const plan = () => planCardChunk(db, workspaceId, [recipient.id]);
    const write = (p: Awaited<ReturnType<typeof plan>>) =>
      db.transaction().execute((trx) => writeCardChunk(trx, workspaceId, runId, p));
    const card = () =>
      db.selectFrom('cards').selectAll().where('recipientId', '=', recipient.id).executeTakeFirst();
    const versions = async () =>
      (
        await db
          .selectFrom('cards')
          .innerJoin('cardVersions', 'cardVersions.cardId', 'cards.id')
          .select('cardVersions.version')
          .where('cards.recipientId', '=', recipient.id)
          .orderBy('cardVersions.version')
          .execute()
      ).map((r) => r.version);
    const setJobTitle = (jobTitle: string) =>
      db.updateTable('recipients').set({ jobTitle }).where('id', '=', recipient.id).execute();
    return { group, recipient, plan, write, card, versions, setJobTitle };
  }

  it('when a shown field changes between the read and the write, then no card is written; the next read writes the new value', async () => {
    const t = await setUp();
    const stale = await t.plan();
    expect(stale.writes.map((w) => w.kind)).toEqual(['create']);
    await t.setJobTitle('Architect');
    expect(await t.write(stale)).toEqual({});
    expect(await t.card()).toBeUndefined();

    expect(await t.write(await t.plan())).toEqual({ cardsCreated: 1 });
    expect((await t.card())?.content).toMatchObject({ recipient: { jobTitle: 'Architect' } });
    expect(await t.versions()).toEqual([1]);
  });

  it('when another write moves the card on first, then the stale update writes no version or event', async () => {
    const t = await setUp();
    await t.write(await t.plan());
    await t.setJobTitle('Architect');
    const first = await t.plan();
    const second = await t.plan();
    expect(await t.write(first)).toEqual({ cardsUpdated: 1 });
    expect(await t.write(second)).toEqual({});
    expect(await t.versions()).toEqual([1, 2]);
    const events = await db
      .selectFrom('cardEvents')
      .select(['version', 'type'])
      .where('cardId', '=', (await t.card())!.id)
      .orderBy('version')
      .execute();
    expect(events).toEqual([
      { version: 1, type: 'card.created' },
      { version: 2, type: 'card.updated' },
    ]);
  });

  it('when the member leaves between the read and the write, then the card is not created; when they come back before a deactivation is written, then the card stays active', async () => {
    const t = await setUp();
    const create = await t.plan();
    await db.deleteFrom('groupMemberships').where('recipientId', '=', t.recipient.id).execute();
    expect(await t.write(create)).toEqual({});
    expect(await t.card()).toBeUndefined();

    await db
      .insertInto('groupMemberships')
      .values({ groupId: t.group.id, recipientId: t.recipient.id })
      .execute();
    await t.write(await t.plan());
    await db.deleteFrom('groupMemberships').where('recipientId', '=', t.recipient.id).execute();
    const deactivate = await t.plan();
    expect(deactivate.writes.map((w) => w.kind)).toEqual(['deactivate']);
    await db
      .insertInto('groupMemberships')
      .values({ groupId: t.group.id, recipientId: t.recipient.id })
      .execute();
    expect(await t.write(deactivate)).toEqual({});
    expect(await t.card()).toMatchObject({ status: 'active', version: 1 });
  });
});
