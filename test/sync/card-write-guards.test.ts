import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database';
import { DEFAULT_CARD_TEMPLATE } from '../../domain/card';
import { DEFAULT_SYNC_OPTIONS } from '../../domain/sync-options';
import { planCardChunk, writeCardChunk } from '../../engine/card-chunks';
import { isWriteConflict } from '../../db/repositories/recipient-writes';
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
    return { workspaceId, runId, group, recipient, plan, write, card, versions, setJobTitle };
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
      .selectFrom('events')
      .select([sql<number>`card_version`.as('version'), 'type'])
      .where('cardId', '=', (await t.card())!.id)
      .orderBy('xid')
      .orderBy('id')
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

  it('when another writer creates the card first, then a stale create writes nothing; one racing it in an open transaction is a write conflict, retried alone', async () => {
    const t = await setUp();
    const first = await t.plan();
    const second = await t.plan();
    expect(await t.write(first)).toEqual({ cardsCreated: 1 });
    expect(await t.write(second)).toEqual({});
    expect(await t.versions()).toEqual([1]);

    const u = await setUp();
    const mine = await u.plan();
    const theirs = await u.plan();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const theirsWritten = new Promise<void>((resolve) => (written = resolve));
    // Both hold the workspace lock shared, as two lanes do. Their create is written but not
    // committed when mine runs its check: mine waits on the unique key, then fails once theirs
    // commits, and the chunk is written again alone (writeSharedThenAlone).
    const other = db.transaction().execute(async (trx) => {
      await writeCardChunk(trx, u.workspaceId, u.runId, theirs, 'shared');
      written();
      await held;
    });
    await theirsWritten;
    let minePid!: (pid: number) => void;
    const mineBackend = new Promise<number>((resolve) => (minePid = resolve));
    const mineWrite = db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      minePid(rows[0]!.pid);
      return writeCardChunk(trx, u.workspaceId, u.runId, mine, 'shared');
    });
    // Theirs commits only once mine waits on it.
    const pid = await mineBackend;
    for (let waited = 0; ; waited += 20) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_locks where pid = ${pid} and not granted`.execute(db);
      if (rows[0]!.n > 0 || waited > 10_000) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    const failure = await mineWrite.then(
      () => null,
      (err: unknown) => err,
    );
    await other;
    expect(isWriteConflict(failure)).toBe(true);
    expect(await u.write(mine)).toEqual({});
    expect(await u.versions()).toEqual([1]);
  });
});
