import { sql } from 'kysely';
import ICAL from 'ical.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CARD_TEMPLATE } from '../../domain/card';
import { as, expectProblem, insertCard, startApiTest, type ApiTestContext } from './support';
import { readStrictVCard } from './vcard-strict';

describe('workspace cards', () => {
  let t: ApiTestContext;
  let api: ReturnType<typeof as>;
  let workspaceId: string;

  beforeAll(async () => {
    t = await startApiTest();
    const ws = await t.createWorkspace();
    workspaceId = ws.id;
    api = as(t.app, ws.apiKey);
  });
  afterAll(async () => t?.close());

  const person = async (extra: object = {}) =>
    (
      await api.post('/v1/recipients', {
        email: `${randomUUID().slice(0, 8)}@example.com`,
        firstName: 'Ada',
        lastName: 'Lovelace',
        displayName: 'Ada Lovelace',
        jobTitle: 'Analyst',
        ...extra,
      })
    ).body.id as string;
  const eventsOf = (cardId: string) =>
    t.db
      .selectFrom('events')
      .select(['type', sql<number>`card_version`.as('version')])
      .where('cardId', '=', cardId)
      .where(sql<boolean>`type like 'card.%'`)
      .orderBy('id')
      .execute();

  it('when no template was set, then GET /v1/card-template answers the default', async () => {
    const other = await t.createWorkspace();
    const res = await as(t.app, other.apiKey).get('/v1/card-template');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(DEFAULT_CARD_TEMPLATE);
  });

  it('when a card is asked for a recipient of no group, then it is created of the template, once', async () => {
    const id = await person();
    const res = await api.post(`/v1/recipients/${id}/cards`);
    expect(res.status, res.text).toBe(201);
    expect(res.headers.location).toBe(`/v1/cards/${res.body.id}`);
    expect(res.body).toMatchObject({
      recipientId: id,
      groupId: null,
      status: 'active',
      version: 1,
      content: { recipient: { displayName: 'Ada Lovelace', jobTitle: 'Analyst' }, photo: null },
    });
    expect(res.body.content.recipient.firstName).toBeUndefined();
    expect(await eventsOf(res.body.id)).toEqual([{ type: 'card.created', version: 1 }]);
    const versions = await t.db
      .selectFrom('cardVersions')
      .select(['version', 'status', 'contentHash'])
      .where('cardId', '=', res.body.id)
      .execute();
    expect(versions).toEqual([{ version: 1, status: 'active', contentHash: res.body.contentHash }]);
    expect((await api.get(`/v1/recipients/${id}/cards`)).body.items).toEqual([res.body]);

    const again = await api.post(`/v1/recipients/${id}/cards`);
    expectProblem(again, 409);
    expect(again.body.cardId).toBe(res.body.id);
    expect(again.body.detail).toContain(res.body.id);
  });

  it('when a second workspace card is written past the API, then the database refuses it (NULL group counts once)', async () => {
    const id = await person();
    await api.post(`/v1/recipients/${id}/cards`).expect(201);
    const write = t.db
      .insertInto('cards')
      .values({ workspaceId, recipientId: id, groupId: null, version: 1, content: '{}', contentHash: 'x' })
      .execute();
    await expect(write).rejects.toMatchObject({ code: '23505', constraint: 'cards_workspace_card' });
  });

  it('when the template changes, then every workspace card gets a new version of it and group cards stay as they were', async () => {
    const ws = await t.createWorkspace();
    const own = as(t.app, ws.apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await own.post('/v1/recipients', {
        email: `p${i}@example.com`,
        jobTitle: `T${i}`,
        city: 'Bern',
      });
      ids.push(r.body.id);
    }
    const cardIds: string[] = [];
    for (const id of ids) cardIds.push((await own.post(`/v1/recipients/${id}/cards`).expect(201)).body.id);
    const g = await own.post('/v1/groups', { entraGroupId: randomUUID(), name: 'G' });
    const groupCard = await insertCard(t.db, {
      workspaceId: ws.id,
      recipientId: ids[0]!,
      groupId: g.body.id,
      content: { recipient: { email: 'p0@example.com' }, company: {}, photo: null },
    });

    const template = { fields: ['jobTitle', 'city'], company: { website: 'https://example.org' } };
    const put = await own.put('/v1/card-template', template);
    expect(put.status, put.text).toBe(200);
    expect(put.body).toEqual(template);
    expect((await own.get('/v1/card-template')).body).toEqual(template);
    for (const [i, cardId] of cardIds.entries()) {
      const card = (await own.get(`/v1/cards/${cardId}`)).body;
      expect(card).toMatchObject({
        version: 2,
        content: { recipient: { jobTitle: `T${i}`, city: 'Bern' }, company: template.company },
      });
      expect(card.content.recipient.email).toBeUndefined();
      expect(await eventsOf(cardId)).toEqual([
        { type: 'card.created', version: 1 },
        { type: 'card.updated', version: 2 },
      ]);
    }
    expect((await own.get(`/v1/cards/${groupCard}`)).body.version).toBe(1);

    // The same template again changes nothing.
    await own.put('/v1/card-template', template).expect(200);
    for (const cardId of cardIds) expect((await own.get(`/v1/cards/${cardId}`)).body.version).toBe(2);
    // Another workspace's cards do not move.
    const elsewhere = await api.get(`/v1/card-template`);
    expect(elsewhere.body).toEqual(DEFAULT_CARD_TEMPLATE);
  });

  it('when the recipient is not active, then no workspace card is made and the answer says what to do', async () => {
    const id = await person();
    await api.post(`/v1/recipients/${id}/deactivate`).expect(200);
    const res = await api.post(`/v1/recipients/${id}/cards`);
    expectProblem(res, 409);
    expect(res.body).toMatchObject({
      code: 'recipient_inactive',
      detail: expect.stringContaining('reactivate'),
    });
    await api.delete(`/v1/recipients/${id}`).expect(200);
    const deleted = await api.post(`/v1/recipients/${id}/cards`);
    expectProblem(deleted, 409);
    expect(deleted.body).toMatchObject({
      code: 'recipient_deleted',
      detail: expect.stringContaining('anew'),
    });
    const cards = await t.db.selectFrom('cards').select('id').where('recipientId', '=', id).execute();
    expect(cards).toEqual([]);
  });

  it('when the template hides the names, then the vCard still has N from the recipient and FN once', async () => {
    const ws = await t.createWorkspace();
    const own = as(t.app, ws.apiKey);
    await own.put('/v1/card-template', { fields: ['jobTitle', 'email'], company: {} }).expect(200);
    const r = await own.post('/v1/recipients', {
      email: 'grace@example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      jobTitle: 'Rear Admiral',
    });
    const card = (await own.post(`/v1/recipients/${r.body.id}/cards`).expect(201)).body;
    expect(card.content.recipient.firstName).toBeUndefined();
    const text = (await own.get(`/v1/cards/${card.id}/vcard`).expect(200)).text;
    expect(readStrictVCard(text).count('N')).toBe(1);
    const parsed = new ICAL.Component(ICAL.parse(text));
    expect(parsed.getFirstProperty('n')!.getValues()[0]).toEqual(['Hopper', 'Grace', '', '', '']);
    expect(parsed.getAllProperties('fn').map((p) => p.getFirstValue())).toEqual(['Grace Hopper']);
    expect(parsed.getFirstPropertyValue('title')).toBe('Rear Admiral');
  });
});
