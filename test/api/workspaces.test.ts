import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import { ADMIN_TOKEN, as, expectProblem, startApiTest, type ApiTestContext } from './support';

describe('workspaces and API keys', () => {
  let t: ApiTestContext;
  beforeAll(async () => {
    t = await startApiTest();
  });
  afterAll(async () => t?.close());

  it('when the admin creates a workspace, then it answers 201 with a key shown once and stores only its hash', async () => {
    const res = await request(t.app)
      .post('/v1/workspaces')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'Acme' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      name: 'Acme',
      apiKey: expect.stringMatching(/^ecs_/),
    });
    const stored = await t.db
      .selectFrom('apiKeys')
      .selectAll()
      .where('workspaceId', '=', res.body.id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.keyHash).not.toContain(res.body.apiKey);
    expect(JSON.stringify(stored)).not.toContain(res.body.apiKey);
    const keys = await as(t.app, res.body.apiKey).get('/v1/api-keys');
    expect(JSON.stringify(keys.body)).not.toContain(res.body.apiKey);
  });

  it('when a workspace is created, then it starts with the default field settings', async () => {
    const ws = await t.createWorkspace();
    const res = await as(t.app, ws.apiKey).get('/v1/field-settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(DEFAULT_FIELD_SETTINGS);
  });

  it('when the admin token is missing or wrong, then creating a workspace answers 401 problem+json', async () => {
    expectProblem(await request(t.app).post('/v1/workspaces').send({ name: 'x' }), 401);
    expectProblem(
      await request(t.app).post('/v1/workspaces').set('Authorization', 'Bearer nope').send({ name: 'x' }),
      401,
    );
    const ws = await t.createWorkspace();
    // A workspace key is not the admin token.
    expectProblem(await as(t.app, ws.apiKey).post('/v1/workspaces', { name: 'x' }), 401);
  });

  it('when a workspace route gets no key, a wrong key or the admin token, then it answers 401 with WWW-Authenticate', async () => {
    const none = await request(t.app).get('/v1/groups');
    expectProblem(none, 401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expectProblem(await as(t.app, 'ecs_not-a-key').get('/v1/groups'), 401);
    expectProblem(await as(t.app, ADMIN_TOKEN).get('/v1/groups'), 401);
  });

  it('when a second key is created and the first revoked, then the first stops working and the second works', async () => {
    const ws = await t.createWorkspace();
    const created = await as(t.app, ws.apiKey).post('/v1/api-keys');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      apiKey: expect.stringMatching(/^ecs_/),
      revokedAt: null,
    });
    const list = await as(t.app, created.body.apiKey).get('/v1/api-keys');
    expect(list.body.items).toHaveLength(2);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items[0]).not.toHaveProperty('apiKey');

    const revoked = await as(t.app, created.body.apiKey).delete(`/v1/api-keys/${ws.apiKeyId}`);
    expect(revoked.status).toBe(204);
    expectProblem(await as(t.app, ws.apiKey).get('/v1/groups'), 401);
    expect((await as(t.app, created.body.apiKey).get('/v1/groups')).status).toBe(200);
    // Revoking it again: it is no longer an active key.
    expectProblem(await as(t.app, created.body.apiKey).delete(`/v1/api-keys/${ws.apiKeyId}`), 404);
  });

  it('when the last active key would be revoked, then it answers 409 and the key keeps working', async () => {
    const ws = await t.createWorkspace();
    const res = await as(t.app, ws.apiKey).delete(`/v1/api-keys/${ws.apiKeyId}`);
    expectProblem(res, 409);
    expect(res.body.detail).toContain('POST /v1/api-keys');
    expect((await as(t.app, ws.apiKey).get('/v1/api-keys')).status).toBe(200);
  });

  it('when the admin deletes a workspace, then its people, history and events are gone, its keys stop working, and a running sync refuses it first', async () => {
    const ws = await t.createWorkspace('Leaving');
    const api = as(t.app, ws.apiKey);
    const person = (await api.post('/v1/recipients', { email: 'leaving@example.com', displayName: 'Lee' }))
      .body.id;
    await api.patch(`/v1/recipients/${person}`, { jobTitle: 'Last day' });
    const admin = (path: string) => request(t.app).delete(path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);

    const run = await t.db
      .insertInto('syncRuns')
      .values({ workspaceId: ws.id, kind: 'workspace', trigger: 'api', workflowId: `test-${ws.id}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const refused = await admin(`/v1/workspaces/${ws.id}`);
    expectProblem(refused, 409);
    expect(refused.body.syncRunId).toBe(run.id);
    await t.db.updateTable('syncRuns').set({ status: 'canceled' }).where('id', '=', run.id).execute();

    expect((await admin(`/v1/workspaces/${ws.id}`)).status).toBe(204);
    const left = async (table: 'recipients' | 'recipientChanges' | 'events' | 'apiKeys' | 'syncRuns') =>
      (await t.db.selectFrom(table).select('workspaceId').where('workspaceId', '=', ws.id).execute()).length;
    expect(await left('recipients')).toBe(0);
    expect(await left('recipientChanges')).toBe(0);
    expect(await left('events')).toBe(0);
    expect(await left('apiKeys')).toBe(0);
    expect(await left('syncRuns')).toBe(0);
    expect((await api.get('/v1/recipients')).status).toBe(401);
    expectProblem(await admin(`/v1/workspaces/${ws.id}`), 404);
  });
});
