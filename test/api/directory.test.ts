import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createEntraClient } from '../../graph/entra-client';
import { emulatorOutbound } from '../helpers/outbound';
import { as, expectProblem, startApiTest, type ApiTestContext } from './support';

interface TenantInfo {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  groups: { id: string; displayName: string; description: string | null }[];
}

async function emulator(path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${inject('emulatorUrl')}/_emulator${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

describe('Entra connection and directory preview (real Graph client against the emulator)', () => {
  let t: ApiTestContext;
  let api: ReturnType<typeof as>;
  let tenant: TenantInfo;
  const url = () => inject('emulatorUrl');
  const connect = (over: object = {}) =>
    api.put('/v1/entra-connection', {
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      authorityHost: url(),
      graphBaseUrl: url(),
      ...over,
    });

  beforeAll(async () => {
    t = await startApiTest({
      entraClientFor: (conn, opts) =>
        createEntraClient(conn, emulatorOutbound(), { ...opts, maxThrottleRetries: 0 }),
    });
    const ws = await t.createWorkspace();
    api = as(t.app, ws.apiKey);
    tenant = await emulator('/tenants', {
      seed: 6,
      users: 30,
      groups: [
        { displayName: 'Sales', description: 'Sales team', users: 10 },
        { displayName: 'Engineering', users: 5, userOffset: 10 },
      ],
    });
  });
  afterAll(async () => t?.close());

  it('when the connection test runs before a connection is set, then it answers 409 saying how to set one', async () => {
    const res = await api.post('/v1/entra-connection/test');
    expectProblem(res, 409);
    expect(res.body.detail).toContain('PUT /v1/entra-connection');
  });

  it('when the credentials are right, then the test answers ok with no missing permissions', async () => {
    expect((await connect()).status).toBe(200);
    const res = await api.post('/v1/entra-connection/test');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ok: true, missingPermissions: [] });
  });

  it('when the secret is wrong, then the test answers ok=false with the Entra error code and what to do', async () => {
    await connect({ clientSecret: 'wrong-secret' });
    const res = await api.post('/v1/entra-connection/test');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, errorCode: 'invalid_credentials' });
    expect(res.body.detail.length).toBeGreaterThan(20);
    // Directory reads with the same bad secret answer 422 with the message.
    const users = await api.get('/v1/directory/users');
    expectProblem(users, 422);
    expect(users.body.code).toBe('invalid_credentials');
    await connect();
  });

  it('when users are searched and paged, then each page is signed and the next page continues it', async () => {
    const first = await api.get('/v1/directory/users?limit=10');
    expect(first.status, first.text).toBe(200);
    expect(first.body.items).toHaveLength(10);
    expect(first.body.items[0]).toMatchObject({ id: expect.any(String), recipientId: null });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.get(`/v1/directory/users?limit=10&cursor=${first.body.nextCursor}`);
    expect(second.status, second.text).toBe(200);
    const ids = new Set([...first.body.items, ...second.body.items].map((u: { id: string }) => u.id));
    expect(ids.size).toBe(20);

    const one = first.body.items[0];
    const term = String(one.displayName).split(' ')[0];
    const found = await api.get(`/v1/directory/users?search=${encodeURIComponent(term)}`);
    expect(found.status, found.text).toBe(200);
    expect(found.body.items.map((u: { id: string }) => u.id)).toContain(one.id);
  });

  it('when a directory cursor is replayed by another workspace, then it answers 400', async () => {
    const first = await api.get('/v1/directory/users?limit=5');
    const other = await t.createWorkspace();
    const res = await as(t.app, other.apiKey).get(`/v1/directory/users?cursor=${first.body.nextCursor}`);
    expectProblem(res, 400);
    expect(res.body.errors[0].path).toBe('query.cursor');
  });

  it('when groups are searched, then linked ones carry their group id', async () => {
    const sales = tenant.groups.find((g) => g.displayName === 'Sales')!;
    const linked = await api.post('/v1/groups', { entraGroupId: sales.id });
    expect(linked.status, linked.text).toBe(201);
    // No name given: it came from Entra.
    expect(linked.body).toMatchObject({ name: 'Sales', description: 'Sales team' });
    const res = await api.get('/v1/directory/groups?search=Sales');
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: sales.id, groupId: linked.body.id })]),
    );
  });

  it('when a group that is not in Entra is linked without a name, then it answers 404 from Entra', async () => {
    const res = await api.post('/v1/groups', { entraGroupId: randomUUID() });
    expectProblem(res, 404);
    expect(res.body.code).toBe('group_not_found');
  });

  it('when Graph is asked through the API, then the Graph request counter moves', async () => {
    const metrics = await (await import('supertest')).default(t.app).get('/metrics');
    expect(metrics.text).toMatch(/^entra_graph_requests_total\{status="200",process="api"\} [1-9]/m);
  });
});
