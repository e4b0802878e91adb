import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, expectProblem, insertCard, startApiTest, type ApiTestContext } from './support';

describe('manual lifecycle of a recipient', () => {
  let t: ApiTestContext;
  let api: ReturnType<typeof as>;
  let workspaceId: string;
  let groupId: string;

  beforeAll(async () => {
    t = await startApiTest();
    const ws = await t.createWorkspace();
    workspaceId = ws.id;
    api = as(t.app, ws.apiKey);
    groupId = (await api.post('/v1/groups', { entraGroupId: randomUUID(), name: 'Team' })).body.id;
  });
  afterAll(async () => t?.close());

  /** A member of the group with a group card and a workspace card. */
  async function member() {
    const r = await api.post('/v1/recipients', {
      email: `${randomUUID().slice(0, 8)}@example.com`,
      displayName: 'Kim',
    });
    const id = r.body.id as string;
    await t.db.insertInto('groupMemberships').values({ groupId, recipientId: id }).execute();
    const groupCard = await insertCard(t.db, {
      workspaceId,
      recipientId: id,
      groupId,
      content: { recipient: { displayName: 'Kim' }, company: {}, photo: null },
    });
    const workspaceCard = (await api.post(`/v1/recipients/${id}/cards`).expect(201)).body.id as string;
    return { id, cards: [groupCard, workspaceCard] };
  }
  const cardsOf = (ids: string[]) =>
    t.db
      .selectFrom('cards')
      .select(['id', 'status', 'version'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
  const lastEvents = async (ids: string[]) =>
    (
      await t.db
        .selectFrom('events')
        .select(['cardId', 'type', sql<number>`card_version`.as('version')])
        .where('cardId', 'in', ids)
        .orderBy('id', 'desc')
        .limit(ids.length)
        .execute()
    ).map((e) => e.type);
  const manualChanges = async (id: string) =>
    (await api.get(`/v1/recipients/${id}/changes`)).body.items.filter(
      (c: { field: string | null }) => c.field === 'status',
    );

  it('when an admin deactivates and reactivates, then status, cards and history follow, and asking twice changes nothing', async () => {
    const m = await member();
    const off = await api.post(`/v1/recipients/${m.id}/deactivate`);
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ id: m.id, status: 'deactivated', statusReason: 'manual_deactivated' });
    expect((await cardsOf(m.cards)).map((c) => c.status)).toEqual(['deactivated', 'deactivated']);
    expect(await lastEvents(m.cards)).toEqual(['card.deactivated', 'card.deactivated']);
    const written = await t.db
      .selectFrom('cardVersions')
      .select(['cardId', 'version', 'status', 'syncRunId'])
      .where('cardId', 'in', m.cards)
      .where('version', '=', 2)
      .execute();
    expect(written).toHaveLength(2);
    for (const v of written) expect(v).toMatchObject({ status: 'deactivated', syncRunId: null });
    expect(await manualChanges(m.id)).toMatchObject([
      { action: 'deactivated', oldValue: 'active', newValue: 'deactivated', source: 'manual' },
    ]);

    const versions = await cardsOf(m.cards);
    await api.post(`/v1/recipients/${m.id}/deactivate`).expect(200);
    expect(await cardsOf(m.cards)).toEqual(versions);
    expect(await manualChanges(m.id)).toHaveLength(1);

    const on = await api.post(`/v1/recipients/${m.id}/reactivate`);
    expect(on.body).toMatchObject({ status: 'active', statusReason: null });
    expect((await cardsOf(m.cards)).map((c) => c.status)).toEqual(['active', 'active']);
    expect(await lastEvents(m.cards)).toEqual(['card.updated', 'card.updated']);
    expect((await manualChanges(m.id)).map((c: { action: string }) => c.action)).toEqual([
      'deactivated',
      'reactivated',
    ]);
  });

  it('when an admin deletes a recipient, then it is soft-deleted with its cards deactivated, and cannot be reactivated', async () => {
    const m = await member();
    const del = await api.delete(`/v1/recipients/${m.id}`);
    expect(del.status, del.text).toBe(200);
    expect(del.body).toMatchObject({
      status: 'deleted',
      statusReason: 'manual_deleted',
      groupIds: [groupId],
    });
    expect((await api.get(`/v1/recipients/${m.id}`)).body.status).toBe('deleted');
    expect((await cardsOf(m.cards)).map((c) => c.status)).toEqual(['deactivated', 'deactivated']);
    expect(await lastEvents(m.cards)).toEqual(['card.deactivated', 'card.deactivated']);

    for (const action of ['reactivate', 'deactivate']) {
      const res = await api.post(`/v1/recipients/${m.id}/${action}`);
      expectProblem(res, 409);
      expect(res.body.detail).toContain('create a new recipient');
    }
    await api.delete(`/v1/recipients/${m.id}`).expect(200);
    expect(await manualChanges(m.id)).toMatchObject([{ action: 'deleted', newValue: 'deleted' }]);
  });

  it('when a sync had deactivated the recipient, then an admin deactivation pins it as manual', async () => {
    const m = await member();
    await t.db
      .updateTable('recipients')
      .set({ status: 'deactivated', statusReason: 'entra_disabled' })
      .where('id', '=', m.id)
      .execute();
    const res = await api.post(`/v1/recipients/${m.id}/deactivate`);
    expect(res.body).toMatchObject({ status: 'deactivated', statusReason: 'manual_deactivated' });
  });
});

describe('erasing a person', () => {
  let t: ApiTestContext;
  let api: ReturnType<typeof as>;
  let key: string;

  beforeAll(async () => {
    t = await startApiTest();
    const ws = await t.createWorkspace();
    key = ws.apiKey;
    api = as(t.app, ws.apiKey);
  });
  afterAll(async () => t?.close());

  it('when a recipient is erased, then their values, photo, cards, versions and history are gone and their events say only that they were', async () => {
    const email = `${randomUUID().slice(0, 8)}@example.com`;
    const id = (await api.post('/v1/recipients', { email, displayName: 'Erin Erased', jobTitle: 'Keeper' }))
      .body.id as string;
    await api.patch(`/v1/recipients/${id}`, { jobTitle: 'Archivist' });
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64, 7),
    ]);
    await request(t.app)
      .put(`/v1/recipients/${id}/photo`)
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'image/png')
      .send(png)
      .expect(200);
    const card = (await api.post(`/v1/recipients/${id}/cards`).expect(201)).body as {
      id: string;
      publicUrl: string;
    };
    const other = (await api.post('/v1/recipients', { email: `kept-${email}`, displayName: 'Kept' })).body
      .id as string;

    const erased = await request(t.app)
      .delete(`/v1/recipients/${id}?erase=true`)
      .set('Authorization', `Bearer ${key}`);
    expect(erased.status, erased.text).toBe(204);

    const row = await t.db
      .selectFrom('recipients')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'deleted',
      displayName: null,
      jobTitle: null,
      entraUserId: null,
      photoHash: null,
    });
    expect(row.email).not.toContain(email);
    expect(
      await t.db.selectFrom('recipientPhotos').select('recipientId').where('recipientId', '=', id).execute(),
    ).toEqual([]);
    expect(await t.db.selectFrom('cards').select('id').where('recipientId', '=', id).execute()).toEqual([]);
    expect(
      await t.db.selectFrom('cardVersions').select('cardId').where('cardId', '=', card.id).execute(),
    ).toEqual([]);
    const history = await t.db
      .selectFrom('recipientChanges')
      .select(['action', 'oldValue', 'newValue'])
      .where('recipientId', '=', id)
      .execute();
    expect(history).toEqual([{ action: 'erased', oldValue: null, newValue: null }]);
    const events = await t.db
      .selectFrom('events')
      .select(['type', 'data', 'slugKey'])
      .where((eb) => eb.or([eb('recipientId', '=', id), eb('cardId', '=', card.id)]))
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(3); // created, updated, card.created
    for (const e of events) {
      expect(e.data).toEqual({ erased: true });
      expect(e.slugKey).toBeNull();
    }
    expect(JSON.stringify(events)).not.toContain('Erin');
    // The card's public page is gone; someone else's data is untouched.
    expect((await request(t.app).get(new URL(card.publicUrl).pathname)).status).toBe(410);
    expect((await api.get(`/v1/recipients/${other}`)).body).toMatchObject({
      displayName: 'Kept',
      status: 'active',
    });
    // Erasing again is harmless.
    expect(
      (await request(t.app).delete(`/v1/recipients/${id}?erase=true`).set('Authorization', `Bearer ${key}`))
        .status,
    ).toBe(204);
  });
});
