import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database';
import { as, expectProblem, startApiTest, type ApiTestContext } from './support';

/** Inserts one event on the given connection (a transaction the test holds open, or the pool). */
async function addEvent(db: Db, workspaceId: string, type: string, n: number) {
  await sql`insert into events (workspace_id, type, data) values (${workspaceId}::uuid, ${type}, ${JSON.stringify({ n })}::jsonb)`.execute(
    db,
  );
}

describe('GET /v1/events', () => {
  let t: ApiTestContext;
  beforeAll(async () => {
    t = await startApiTest();
  });
  afterAll(async () => t.close());

  /** Reads the feed until `want` events arrived (other suites' transactions may hold it back a moment). */
  async function readUntil(apiKey: string, after: string | undefined, want: number, query = '') {
    const items: Array<{ type: string; data: { n: number } }> = [];
    let cursor = after;
    for (let i = 0; i < 200 && (i === 0 || items.length < want); i++) {
      const res = await as(t.app, apiKey).get(
        `/v1/events?limit=200${query}${cursor ? `&after=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (items.length < want) await new Promise((r) => setTimeout(r, 25));
    }
    return { items, cursor };
  }

  it('when a transaction that took an earlier id commits after a later one, then a consumer polling in between still gets both, each once', async () => {
    const ws = await t.createWorkspace();
    const { cursor: start } = await readUntil(ws.apiKey, undefined, 0);
    await t.db.connection().execute(async (slow) => {
      await sql`begin`.execute(slow);
      await addEvent(slow, ws.id, 'card.created', 1);
      await addEvent(t.db, ws.id, 'card.updated', 2);
      // The second event is committed, the first is not: reading by id alone would hand out #2
      // and a cursor past #1.
      const during = await as(t.app, ws.apiKey).get(`/v1/events?after=${start}`);
      expect(during.status).toBe(200);
      expect(during.body.items).toEqual([]);
      expect(during.body.nextCursor).toBe(start);
      await sql`commit`.execute(slow);
    });
    const { items } = await readUntil(ws.apiKey, start, 2);
    expect(items.map((e) => e.data.n)).toEqual([1, 2]);
  });

  it('when events are read in pages, then each is read once, oldest first, with the body shape of the catalogue', async () => {
    const ws = await t.createWorkspace();
    for (let n = 1; n <= 5; n++)
      await addEvent(t.db, ws.id, n % 2 ? 'recipient.created' : 'sync_run.completed', n);
    await readUntil(ws.apiKey, undefined, 5);
    const first = await as(t.app, ws.apiKey).get('/v1/events?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      type: 'recipient.created',
      createdAt: expect.stringMatching(/Z$/),
      workspaceId: ws.id,
      data: { n: 1 },
    });
    const rest = await as(t.app, ws.apiKey).get(`/v1/events?after=${first.body.nextCursor}`);
    expect([...first.body.items, ...rest.body.items].map((e: { data: { n: number } }) => e.data.n)).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it('when filtered by a type or a subject, then only those events come, and another workspace sees none of them', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    await addEvent(t.db, ws.id, 'card.created', 1);
    await addEvent(t.db, ws.id, 'recipient.deleted', 2);
    await addEvent(t.db, ws.id, 'card.deactivated', 3);
    await readUntil(ws.apiKey, undefined, 3);
    const byType = await as(t.app, ws.apiKey).get('/v1/events?type=card.deactivated');
    expect(byType.body.items.map((e: { data: { n: number } }) => e.data.n)).toEqual([3]);
    const bySubject = await as(t.app, ws.apiKey).get('/v1/events?type=card.*');
    expect(bySubject.body.items.map((e: { data: { n: number } }) => e.data.n)).toEqual([1, 3]);
    expect((await as(t.app, other.apiKey).get('/v1/events')).body.items).toEqual([]);
  });

  it('when the cursor, type or limit is not valid, then it answers 400 problem+json', async () => {
    const ws = await t.createWorkspace();
    const huge = Buffer.from(JSON.stringify({ x: '99999999999999999999', i: '1' })).toString('base64url');
    for (const query of [
      'after=nope',
      `after=${huge}`,
      'type=card.exploded',
      'type=*',
      'limit=201',
      'limit=0',
    ])
      expectProblem(await as(t.app, ws.apiKey).get(`/v1/events?${query}`), 400);
  });

  it('when a recipient is created and edited through the API, then recipient.created and recipient.updated carry it', async () => {
    const ws = await t.createWorkspace();
    const api = as(t.app, ws.apiKey);
    const created = (await api.post('/v1/recipients', { email: 'feed@example.com', jobTitle: 'Scout' })).body;
    await api.patch(`/v1/recipients/${created.id}`, { jobTitle: 'Ranger' });
    await api.patch(`/v1/recipients/${created.id}`, { jobTitle: 'Ranger' });
    const { items } = await readUntil(ws.apiKey, undefined, 2, '&type=recipient.*');
    expect(items.map((e) => [e.type, (e.data as unknown as { jobTitle: string }).jobTitle])).toEqual([
      ['recipient.created', 'Scout'],
      ['recipient.updated', 'Ranger'],
    ]);
  });
});
