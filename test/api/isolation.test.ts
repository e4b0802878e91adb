import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, expectProblem, insertCard, startApiTest, type ApiTestContext } from './support';

/** A valid body per operation, so a 404 can only come from the id belonging to another workspace. */
const VALID_BODIES: Record<string, unknown> = {
  updateGroup: { name: 'taken over' },
  syncGroup: {},
  updateRecipient: { firstName: 'taken over' },
  syncRecipient: { mode: 'cards' },
  createGroupSchedule: { cron: '0 6 * * *', timezone: 'Europe/Zurich' },
  updateWebhookEndpoint: { description: 'taken over' },
};
/** Routes that take bytes rather than JSON: a valid body of each. */
const VALID_RAW_BODIES: Record<string, { contentType: string; bytes: Buffer }> = {
  putRecipientPhoto: {
    contentType: 'image/png',
    bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]),
  },
};

describe('workspace isolation', () => {
  let t: ApiTestContext;
  let a: ReturnType<typeof as>;
  let bKey: string;
  const idsOfA: Record<string, string> = {};

  beforeAll(async () => {
    t = await startApiTest();
    const wsA = await t.createWorkspace('A');
    const wsB = await t.createWorkspace('B');
    a = as(t.app, wsA.apiKey);
    bKey = wsB.apiKey;
    const group = await a.post('/v1/groups', { entraGroupId: randomUUID(), name: 'A group' });
    const recipient = await a.post('/v1/recipients', { email: 'a@a.example' });
    const run = await a.post(`/v1/groups/${group.body.id}/sync`);
    const spareKey = await a.post('/v1/api-keys');
    idsOfA.groups = group.body.id;
    idsOfA.recipients = recipient.body.id;
    idsOfA['sync-runs'] = run.body.syncRunId;
    idsOfA['api-keys'] = spareKey.body.id;
    const endpoint = await a.post('/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/a',
      events: ['*'],
      description: 'A hook',
    });
    idsOfA['webhook-endpoints'] = endpoint.body.id;
    idsOfA['webhook-deliveries'] = (await a.post(`/v1/webhook-endpoints/${endpoint.body.id}/test`)).body.id;
    idsOfA.cards = await insertCard(t.db, {
      workspaceId: wsA.id,
      recipientId: recipient.body.id,
      groupId: group.body.id,
      content: { recipient: {} },
    });
    await t.db
      .updateTable('syncRuns')
      .set({ status: 'waiting_approval' })
      .where('id', '=', run.body.syncRunId)
      .execute();
  });
  afterAll(async () => t?.close());

  it("when workspace B's key is used on each of workspace A's objects through every route with an id, then each answers 404", async () => {
    const doc = (await request(t.app).get('/openapi.json')).body as {
      paths: Record<
        string,
        Record<
          string,
          { operationId: string; requestBody?: { required?: boolean }; security?: Record<string, unknown>[] }
        >
      >;
    };
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!path.includes('{id}')) continue;
      const resource = path.split('/')[2]!;
      // An id of A's of the matching kind; routes added later without an entry here still get an unknown id.
      const id = idsOfA[resource] ?? randomUUID();
      for (const [method, op] of Object.entries(operations)) {
        // The operator's routes take no workspace key at all (401, tested in api-keys.test.ts).
        if (op.security?.some((s) => 'adminToken' in s)) continue;
        const url = path.replace('{id}', id);
        // Validation answers before ownership is checked, so a body-taking route needs a valid body here.
        const raw = VALID_RAW_BODIES[op.operationId];
        if (op.requestBody?.required && VALID_BODIES[op.operationId] === undefined && !raw) {
          throw new Error(
            `add a valid body for ${op.operationId} to VALID_BODIES in test/api/isolation.test.ts`,
          );
        }
        let req = request(t.app)[method as 'get'](url).set('Authorization', `Bearer ${bKey}`);
        if (VALID_BODIES[op.operationId] !== undefined)
          req = req.send(VALID_BODIES[op.operationId] as object);
        else if (raw) req = req.set('Content-Type', raw.contentType).send(raw.bytes);
        const res = await req;
        expect(res.status, `${method.toUpperCase()} ${path}: ${res.text}`).toBe(404);
        expectProblem(res, 404);
        expect(res.text).not.toContain('A group');
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(15);
  });

  it("when B lists with A's ids as filters, then it sees nothing of A", async () => {
    const b = as(t.app, bKey);
    expect((await b.get(`/v1/recipients?groupId=${idsOfA.groups}`)).body.items).toEqual([]);
    expect((await b.get(`/v1/sync-runs?groupId=${idsOfA.groups}`)).body.items).toEqual([]);
    expect((await b.get('/v1/recipients')).body.items).toEqual([]);
    expect((await b.get('/v1/groups')).body.items).toEqual([]);
    expect((await b.get('/v1/sync-runs')).body.items).toEqual([]);
  });

  it("when B has tried everything, then A's objects are unchanged and A's run is still waiting", async () => {
    expect((await a.get(`/v1/groups/${idsOfA.groups}`)).body.name).toBe('A group');
    expect((await a.get(`/v1/recipients/${idsOfA.recipients}`)).body.firstName).toBeNull();
    expect((await a.get(`/v1/sync-runs/${idsOfA['sync-runs']}`)).body.status).toBe('waiting_approval');
    expect(
      (await a.get('/v1/api-keys')).body.items.every(
        (k: { revokedAt: string | null }) => k.revokedAt === null,
      ),
    ).toBe(true);
    expect((await a.get(`/v1/cards/${idsOfA.cards}`)).status).toBe(200);
    const hook = await a.get(`/v1/webhook-endpoints/${idsOfA['webhook-endpoints']}`);
    expect(hook.body).toMatchObject({ description: 'A hook', status: 'enabled' });
  });
});
