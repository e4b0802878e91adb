import { sql } from 'kysely';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/database';
import { testDb } from '../helpers/stack';
import { ADMIN_TOKEN, as, expectProblem, startApiTest, type ApiTestContext } from './support';

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
/** Waits until `n` sessions wait on a row lock of `workspaces` (the revokes queued behind the holder). */
async function waitForLockWaiters(db: Db, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and query ilike '%from "workspaces"%for update%'`.execute(db);
    if (rows[0]!.n >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${n} revokes reached the lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('API keys an admin controls', () => {
  let t: ApiTestContext;
  beforeAll(async () => {
    t = await startApiTest();
  });
  afterAll(async () => t?.close());

  it('when a workspace has 10 active keys, then an 11th answers 409 saying so, and revoking one makes room', async () => {
    const ws = await t.createWorkspace();
    const keys = [{ id: ws.apiKeyId, apiKey: ws.apiKey }];
    for (let i = 0; i < 9; i++) {
      const res = await as(t.app, ws.apiKey).post('/v1/api-keys');
      expect(res.status).toBe(201);
      keys.push({ id: res.body.id, apiKey: res.body.apiKey });
    }
    const eleventh = await as(t.app, ws.apiKey).post('/v1/api-keys');
    expectProblem(eleventh, 409);
    expect(eleventh.body.detail).toContain('10 active API keys');
    expect(eleventh.body.code).toBe('api_key_limit');
    // The admin is held to the same limit.
    const byAdmin = await request(t.app).post(`/v1/workspaces/${ws.id}/api-keys`).set(admin);
    expectProblem(byAdmin, 409);

    expect((await as(t.app, ws.apiKey).delete(`/v1/api-keys/${keys[9]!.id}`)).status).toBe(204);
    expect((await as(t.app, ws.apiKey).post('/v1/api-keys')).status).toBe(201);
    const list = await as(t.app, ws.apiKey).get('/v1/api-keys');
    expect(list.body.items).toHaveLength(11);
    expect(list.body.items.filter((k: { revokedAt: string | null }) => !k.revokedAt)).toHaveLength(10);
  });

  it('when a key is created with expiresAt, then it works until then and answers 401 saying it expired after', async () => {
    const ws = await t.createWorkspace();
    const expiresAt = inOneHour();
    const created = await as(t.app, ws.apiKey).post('/v1/api-keys', { expiresAt });
    expect(created.status).toBe(201);
    expect(created.body.expiresAt).toBe(expiresAt);
    expect((await as(t.app, created.body.apiKey).get('/v1/groups')).status).toBe(200);

    // Move its expiry into the past rather than wait for it.
    await t.db
      .updateTable('apiKeys')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('id', '=', created.body.id)
      .execute();
    const res = await as(t.app, created.body.apiKey).get('/v1/groups');
    expectProblem(res, 401);
    expect(res.body.detail).toContain('expired');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('when expiresAt is in the past or not a date-time, then creating the key answers 400 naming the field', async () => {
    const ws = await t.createWorkspace();
    for (const expiresAt of ['2020-01-01T00:00:00Z', 'tomorrow', 5]) {
      const res = await as(t.app, ws.apiKey).post('/v1/api-keys', { expiresAt });
      expectProblem(res, 400);
      expect(res.body.errors[0].path).toBe('body.expiresAt');
    }
  });

  it('when the only other active key has expired, then the last usable key cannot be revoked', async () => {
    const ws = await t.createWorkspace();
    const other = await as(t.app, ws.apiKey).post('/v1/api-keys', { expiresAt: inOneHour() });
    await t.db
      .updateTable('apiKeys')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('id', '=', other.body.id)
      .execute();
    const res = await as(t.app, ws.apiKey).delete(`/v1/api-keys/${ws.apiKeyId}`);
    expectProblem(res, 409);
    expect(res.body.code).toBe('last_api_key');
    // The expired one may go: it takes no access away.
    expect((await as(t.app, ws.apiKey).delete(`/v1/api-keys/${other.body.id}`)).status).toBe(204);
  });

  it('when two keys revoke each other at the same moment, then one wins, the other gets 409, and the workspace keeps a key', async () => {
    const ws = await t.createWorkspace();
    const second = await as(t.app, ws.apiKey).post('/v1/api-keys');
    // Hold the workspace row so both requests are past authentication and inside their revoke
    // before either can finish: the race the lock must settle, made certain instead of likely.
    const holderDb = testDb();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const lockHeld = new Promise<void>((resolve) => (held = resolve));
    const holder = holderDb.transaction().execute(async (trx) => {
      await trx.selectFrom('workspaces').select('id').where('id', '=', ws.id).forUpdate().execute();
      held();
      await released;
    });
    try {
      await lockHeld;
      const both = Promise.all([
        as(t.app, ws.apiKey).delete(`/v1/api-keys/${second.body.id}`),
        as(t.app, second.body.apiKey).delete(`/v1/api-keys/${ws.apiKeyId}`),
      ]);
      await waitForLockWaiters(holderDb, 2);
      release();
      await holder;
      const [a, b] = await both;
      expect([a.status, b.status].sort()).toEqual([204, 409]);
    } finally {
      release();
      await holder.catch(() => {});
      await holderDb.destroy();
    }
    const active = await t.db
      .selectFrom('apiKeys')
      .select('id')
      .where('workspaceId', '=', ws.id)
      .where('revokedAt', 'is', null)
      .execute();
    expect(active).toHaveLength(1);
    const survivor = active[0]!.id === ws.apiKeyId ? ws.apiKey : second.body.apiKey;
    expect((await as(t.app, survivor).get('/v1/groups')).status).toBe(200);
  });

  it("when the admin lists a workspace's keys, then it sees prefixes, expiry and revocation, never the keys", async () => {
    const ws = await t.createWorkspace();
    const expiring = await as(t.app, ws.apiKey).post('/v1/api-keys', { expiresAt: inOneHour() });
    const res = await request(t.app).get(`/v1/workspaces/${ws.id}/api-keys`).set(admin);
    expect(res.status).toBe(200);
    expect(res.body.items.map((k: { id: string }) => k.id)).toEqual([ws.apiKeyId, expiring.body.id]);
    expect(res.body.items[1]).toMatchObject({ expiresAt: expiring.body.expiresAt, revokedAt: null });
    expect(res.text).not.toContain(ws.apiKey);
    expect(res.text).not.toContain(expiring.body.apiKey);

    expectProblem(await as(t.app, ws.apiKey).get(`/v1/workspaces/${ws.id}/api-keys`), 401);
    expectProblem(
      await request(t.app).get('/v1/workspaces/00000000-0000-4000-8000-000000000000/api-keys').set(admin),
      404,
    );
  });

  it('when the admin revokes even the last key, then it stops working, and a key the admin mints works', async () => {
    const ws = await t.createWorkspace();
    const revoked = await request(t.app).delete(`/v1/workspaces/${ws.id}/api-keys/${ws.apiKeyId}`).set(admin);
    expect(revoked.status).toBe(204);
    const refused = await as(t.app, ws.apiKey).get('/v1/groups');
    expectProblem(refused, 401);
    expect(refused.body.detail).toContain('revoked');
    expectProblem(
      await request(t.app).delete(`/v1/workspaces/${ws.id}/api-keys/${ws.apiKeyId}`).set(admin),
      404,
    );

    const minted = await request(t.app).post(`/v1/workspaces/${ws.id}/api-keys`).set(admin).send({});
    expect(minted.status).toBe(201);
    expect((await as(t.app, minted.body.apiKey).get('/v1/groups')).status).toBe(200);
  });

  it("when a key of another workspace is named in the admin's path, then revoking it answers 404 and it keeps working", async () => {
    const one = await t.createWorkspace();
    const two = await t.createWorkspace();
    const res = await request(t.app).delete(`/v1/workspaces/${one.id}/api-keys/${two.apiKeyId}`).set(admin);
    expectProblem(res, 404);
    expect((await as(t.app, two.apiKey).get('/v1/groups')).status).toBe(200);
  });

  it('when the admin disables a workspace, then its keys answer 403 problem+json until it is enabled again', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const disabled = await request(t.app)
      .patch(`/v1/workspaces/${ws.id}`)
      .set(admin)
      .send({ disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: ws.id, disabled: true, disabledAt: expect.any(String) });

    const refused = await as(t.app, ws.apiKey).get('/v1/groups');
    expectProblem(refused, 403);
    expect(refused.body.detail).toContain('disabled');
    expectProblem(await as(t.app, ws.apiKey).post('/v1/api-keys'), 403);
    expect((await as(t.app, other.apiKey).get('/v1/groups')).status).toBe(200);

    const enabled = await request(t.app)
      .patch(`/v1/workspaces/${ws.id}`)
      .set(admin)
      .send({ disabled: false });
    expect(enabled.body).toMatchObject({ disabled: false, disabledAt: null });
    expect((await as(t.app, ws.apiKey).get('/v1/groups')).status).toBe(200);
  });

  it('when PATCH /v1/workspaces/:id gets a bad body, an unknown id or a workspace key, then it answers 400, 404, 401', async () => {
    const ws = await t.createWorkspace();
    expectProblem(
      await request(t.app).patch(`/v1/workspaces/${ws.id}`).set(admin).send({ disabled: 'yes' }),
      400,
    );
    expectProblem(await request(t.app).patch(`/v1/workspaces/${ws.id}`).set(admin).send({ name: 'x' }), 400);
    expectProblem(
      await request(t.app)
        .patch('/v1/workspaces/00000000-0000-4000-8000-000000000000')
        .set(admin)
        .send({ disabled: true }),
      404,
    );
    expectProblem(await as(t.app, ws.apiKey).patch(`/v1/workspaces/${ws.id}`, { disabled: true }), 401);
  });
});

describe('rate limits per workspace and per client address', () => {
  it('when two keys of one workspace share its bucket, then minting keys buys no more requests, and another workspace is unaffected', async () => {
    const limited = await startApiTest({
      rateLimit: { capacity: 4, refillPerSecond: 0.2 },
      logger: pino({ level: 'silent' }),
    });
    try {
      const one = await limited.createWorkspace();
      const two = await limited.createWorkspace();
      const second = await as(limited.app, one.apiKey).post('/v1/api-keys');
      expect(second.status).toBe(201);
      const statuses: number[] = [];
      for (const key of [one.apiKey, second.body.apiKey, one.apiKey, second.body.apiKey]) {
        statuses.push((await as(limited.app, key).get('/v1/groups')).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const last = await as(limited.app, second.body.apiKey).get('/v1/groups');
      expectProblem(last, 429);
      expect(last.body.detail).toContain(`workspace ${one.id}`);
      expect(Number(last.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await as(limited.app, two.apiKey).get('/v1/groups')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('when a client address sends refused keys and keyless requests, then they share its bucket and it gets 429 before any lookup', async () => {
    // Counts the key lookups the app makes, to show a limited address causes none.
    const db = testDb();
    let keyLookups = 0;
    const countingDb = new Proxy(db, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop !== 'selectFrom') return typeof value === 'function' ? value.bind(target) : value;
        return (table: never) => {
          if (String(table) === 'apiKeys') keyLookups += 1;
          return target.selectFrom(table);
        };
      },
    });
    const limited = await startApiTest({
      db: countingDb,
      rateLimit: { capacity: 3, refillPerSecond: 0.2 },
      logger: pino({ level: 'silent' }),
    });
    try {
      const statuses = [
        (await as(limited.app, 'ecs_guess-1').get('/v1/groups')).status,
        (await request(limited.app).get('/v1/groups')).status,
        (await request(limited.app).get('/healthz')).status,
      ];
      expect(statuses).toEqual([401, 401, 200]);
      expect(keyLookups).toBe(1);
      const res = await as(limited.app, 'ecs_guess-2').get('/v1/groups');
      expectProblem(res, 429);
      expect(res.body.detail).toContain('client address');
      expect(keyLookups).toBe(1);
      expectProblem(await request(limited.app).get('/healthz'), 429);
    } finally {
      await limited.close();
      await db.destroy().catch(() => {});
    }
  });

  it('when a trusted proxy forwards two clients, then each has its own address bucket; an untrusted X-Forwarded-For is ignored', async () => {
    const behindProxy = await startApiTest({
      rateLimit: { capacity: 2, refillPerSecond: 0.2 },
      trustProxy: 'loopback',
      logger: pino({ level: 'silent' }),
    });
    const direct = await startApiTest({
      rateLimit: { capacity: 2, refillPerSecond: 0.2 },
      logger: pino({ level: 'silent' }),
    });
    try {
      const from = (app: typeof direct.app, client: string) =>
        request(app).get('/healthz').set('X-Forwarded-For', client);
      for (const app of [behindProxy.app, direct.app]) {
        expect((await from(app, '203.0.113.1')).status).toBe(200);
        expect((await from(app, '203.0.113.1')).status).toBe(200);
      }
      expectProblem(await from(behindProxy.app, '203.0.113.1'), 429);
      expect((await from(behindProxy.app, '203.0.113.2')).status).toBe(200);
      // Without trust, every request is the socket's address: the second "client" shares the bucket.
      expectProblem(await from(direct.app, '203.0.113.2'), 429);
    } finally {
      await behindProxy.close();
      await direct.close();
    }
  });
});
