import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDispatcher } from '../../delivery/dispatcher';
import { encryptSecret } from '../../config/secret-box';
import { createEndpoint } from '../../db/repositories/webhook-endpoints';
import { newWebhookSecret } from '../../domain/webhook-signature';
import { ENCRYPTION_KEY, as, expectProblem, startApiTest, type ApiTestContext } from '../api/support';
import { eventually, startReceiver, type Receiver } from './receiver';
import { policyWith, startTestDispatcher, writeCardEvents } from './support';

/** The headers a receiver's library checks. */
const headersOf = (r: { id: string; timestamp: string; signature: string }) => ({
  'webhook-id': r.id,
  'webhook-timestamp': r.timestamp,
  'webhook-signature': r.signature,
});

/** The ten-line check docs/webhooks.md gives receivers, as a function. */
function documentedVerify(): (secret: string, headers: Record<string, string>, body: string) => boolean {
  const doc = readFileSync(
    path.join(path.dirname(fileURLToPath(import.meta.url)), '../../docs/webhooks.md'),
    'utf8',
  );
  const code = /### Checking a signature[^]*?```js\n([^]*?)```/.exec(doc)![1]!;
  expect(code.trim().split('\n').length).toBeLessThanOrEqual(12);
  return new Function('require', `${code}; return verify;`)(createRequire(import.meta.url));
}

describe('webhook delivery', () => {
  let t: ApiTestContext;
  let receiver: Receiver;
  let dispatcher: WebhookDispatcher | null = null;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startApiTest({ outboundPolicy: policyWith(receiver.host) });
  });
  afterEach(async () => {
    await dispatcher?.stop();
    dispatcher = null;
    receiver.answer = () => 200;
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  async function endpointFor(events: string[]) {
    const ws = await t.createWorkspace();
    const res = await as(t.app, ws.apiKey).post('/v1/webhook-endpoints').send({ url: receiver.url, events });
    expect(res.status).toBe(201);
    dispatcher = startTestDispatcher(t.db, policyWith(receiver.host), [ws.id]);
    return { ws, endpoint: res.body as { id: string; secret: string } };
  }
  const receivedFor = (workspaceId: string) =>
    receiver.received.filter(
      (r) => (r.json as unknown as { workspaceId: string }).workspaceId === workspaceId,
    );

  it('when a test event is sent, then it arrives signed per Standard Webhooks and verifies with the secret shown once', async () => {
    const { ws, endpoint } = await endpointFor(['*']);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const shown = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}`);
    expect(shown.body).not.toHaveProperty('secret');

    const ping = await as(t.app, ws.apiKey).post(`/v1/webhook-endpoints/${endpoint.id}/test`);
    expect(ping.status).toBe(202);
    await eventually(() => receivedFor(ws.id).length === 1, 'the ping arrives');
    const got = receivedFor(ws.id)[0]!;
    expect(got.json).toMatchObject({ id: ping.body.eventId, type: 'ping', workspaceId: ws.id });
    expect(new Webhook(endpoint.secret).verify(got.body, headersOf(got))).toEqual(got.json);
    const verify = documentedVerify();
    expect(verify(endpoint.secret, headersOf(got), got.body)).toBe(true);
    expect(verify(endpoint.secret, headersOf(got), got.body.replace('ping', 'pong'))).toBe(false);
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(got.body, headersOf(got)),
    ).toThrow();

    await eventually(async () => {
      const list = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`);
      return list.body.items[0]?.status === 'delivered';
    }, 'the delivery is recorded');
    const list = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    expect(list.body.items[0]).toMatchObject({
      eventId: ping.body.eventId,
      eventType: 'ping',
      status: 'delivered',
      attempts: [{ statusCode: 200, error: null, nextRetryAt: null, durationMs: expect.any(Number) }],
    });
  });

  it('when the receiver fails and then recovers, then every event arrives accepted exactly once per webhook-id, in order per card, and the failing card holds back no other', async () => {
    const { ws } = await endpointFor(['card.*']);
    const failing = new Map<string, number>();
    receiver.answer = (r) => {
      const card = String(r.json.data.id);
      if (card !== slowCard) return 200;
      const seen = failing.get(r.id) ?? 0;
      failing.set(r.id, seen + 1);
      // the slow card's first event fails three times; the receiver is back after that
      return r.json.data.version === 1 && seen < 3 ? 503 : 200;
    };
    let slowCard = '';
    const cards = await writeCardEvents(t.db, ws.id, 5, 3);
    slowCard = cards[0]!;
    await eventually(
      () => receivedFor(ws.id).filter((r) => r.status === 200).length === 15,
      'all 15 are accepted',
    );

    const accepted = receivedFor(ws.id).filter((r) => r.status === 200);
    const ids = accepted.map((r) => r.id);
    expect(new Set(ids).size).toBe(15);
    for (const card of cards) {
      const versions = accepted.filter((r) => r.json.data.id === card).map((r) => r.json.data.version);
      expect(versions).toEqual([1, 2, 3]);
    }
    // every other card was through before the slow one's first event got in
    const firstSlow = accepted.findIndex((r) => r.json.data.id === slowCard);
    expect(accepted.slice(0, firstSlow).length).toBe(12);
    // each attempt of the slow event carried the same webhook-id with a fresh signature
    const slowAttempts = receivedFor(ws.id).filter(
      (r) => r.json.data.id === slowCard && r.json.data.version === 1,
    );
    expect(slowAttempts.map((r) => r.status)).toEqual([503, 503, 503, 200]);
    expect(new Set(slowAttempts.map((r) => r.id)).size).toBe(1);
  });

  it('when the receiver answers 410 Gone, then the endpoint is disabled with the reason, and enabling it delivers what waited', async () => {
    const { ws, endpoint } = await endpointFor(['card.*']);
    receiver.answer = () => 410;
    await writeCardEvents(t.db, ws.id, 1, 1);
    await eventually(async () => {
      const res = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}`);
      return res.body.status === 'disabled';
    }, 'the endpoint is disabled');
    const res = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}`);
    expect(res.body.disabledReason).toMatch(/410 Gone/);
    await writeCardEvents(t.db, ws.id, 1, 1);
    expectProblem(await as(t.app, ws.apiKey).post(`/v1/webhook-endpoints/${endpoint.id}/test`), 409);

    receiver.answer = () => 200;
    const enabled = await as(t.app, ws.apiKey).patch(`/v1/webhook-endpoints/${endpoint.id}`, {
      status: 'enabled',
    });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabledReason: null });
    await eventually(
      () => receivedFor(ws.id).filter((r) => r.status === 200).length === 2,
      'both events arrive',
    );
  });

  it('when every attempt has failed for three days, then the endpoint is disabled and says since when', async () => {
    const { ws, endpoint } = await endpointFor(['card.*']);
    receiver.answer = () => 500;
    await sql`update webhook_endpoints set failing_since = now() - interval '3 days 1 minute' where id = ${endpoint.id}::uuid`.execute(
      t.db,
    );
    await writeCardEvents(t.db, ws.id, 1, 1);
    await eventually(async () => {
      const res = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}`);
      return res.body.status === 'disabled';
    }, 'the endpoint is disabled');
    const res = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}`);
    expect(res.body.disabledReason).toMatch(/every attempt failed for 3 days since .*\(last: answered 500\)/);
    expect(res.body.failingSince).not.toBeNull();
  });

  it('when a succeeding attempt follows failures, then the endpoint is no longer failing', async () => {
    const { ws, endpoint } = await endpointFor(['card.*']);
    await sql`update webhook_endpoints set failing_since = now() - interval '1 day' where id = ${endpoint.id}::uuid`.execute(
      t.db,
    );
    await writeCardEvents(t.db, ws.id, 1, 1);
    await eventually(async () => {
      const res = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}`);
      return res.body.failingSince === null;
    }, 'the endpoint is healthy again');
  });

  it('when the receiver refuses every connection, then a pass stops after ten failed attempts and puts the rest off instead of hammering it', async () => {
    const ws = await t.createWorkspace();
    const closed = await startReceiver();
    await closed.close();
    // straight into the table: the api's allow-list names only the live receiver
    const endpoint = {
      body: await createEndpoint(t.db, {
        workspaceId: ws.id,
        url: closed.url,
        events: ['card.*'],
        description: null,
        secretEncrypted: encryptSecret(newWebhookSecret(), ENCRYPTION_KEY, ws.id),
      }),
    };
    await writeCardEvents(t.db, ws.id, 50, 1);
    // slow retries: only the first pass's attempts are seen
    dispatcher = startTestDispatcher(t.db, policyWith(receiver.host, closed.host), [ws.id], {
      retryDelaysMs: [60_000],
      breakerFailures: 10,
    });
    const deliveries = () =>
      t.db
        .selectFrom('webhookDeliveries')
        .select(['attemptCount', 'status', 'nextAttemptAt', 'attempts'])
        .where('endpointId', '=', endpoint.body.id)
        .execute();
    await eventually(async () => (await deliveries()).length === 50, 'all 50 are recorded');
    const rows = await deliveries();
    const tried = rows.filter((r) => r.attemptCount === 1);
    expect(tried.length).toBeGreaterThanOrEqual(10);
    expect(tried.length).toBeLessThan(50);
    expect(tried[0]!.attempts[0]!.error).toBe('connection refused');
    for (const r of rows) {
      expect(r.status).toBe('pending');
      expect(r.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    }
    const res = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.body.id}`);
    expect(res.body.failingSince).not.toBeNull();
  });

  it('when an endpoint wants only run events, then card events are not sent and its cursor still moves past them', async () => {
    const { ws, endpoint } = await endpointFor(['sync_run.*']);
    await writeCardEvents(t.db, ws.id, 30, 1);
    const { rows } = await sql<{ id: string }>`
      select max(id)::text as id from events where workspace_id = ${ws.id}::uuid`.execute(t.db);
    await eventually(async () => {
      const { rows: at } = await sql<{ cursorId: string }>`
        select cursor_id::text from webhook_endpoints where id = ${endpoint.id}::uuid`.execute(t.db);
      return at[0]!.cursorId === rows[0]!.id;
    }, 'the cursor is past the card events');
    await sql`insert into events (workspace_id, type, data) values (${ws.id}::uuid, 'sync_run.completed', '{"id": "r1"}')`.execute(
      t.db,
    );
    await eventually(() => receivedFor(ws.id).length === 1, 'the run event arrives');
    expect(receivedFor(ws.id).map((r) => r.json.type)).toEqual(['sync_run.completed']);
  });

  it('when the secret is rotated, then deliveries carry two signatures for a day: the new secret and the old one each verify', async () => {
    const { ws, endpoint } = await endpointFor(['*']);
    const rotated = await as(t.app, ws.apiKey).post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    await as(t.app, ws.apiKey).post(`/v1/webhook-endpoints/${endpoint.id}/test`);
    await eventually(() => receivedFor(ws.id).length === 1, 'the ping arrives');
    const got = receivedFor(ws.id)[0]!;
    expect(got.signature.split(' ')).toHaveLength(2);
    expect(new Webhook(rotated.body.secret).verify(got.body, headersOf(got))).toEqual(got.json);
    expect(new Webhook(endpoint.secret).verify(got.body, headersOf(got))).toEqual(got.json);

    await sql`update webhook_endpoints set previous_secret_expires_at = now() where id = ${endpoint.id}::uuid`.execute(
      t.db,
    );
    await as(t.app, ws.apiKey).post(`/v1/webhook-endpoints/${endpoint.id}/test`);
    await eventually(() => receivedFor(ws.id).length === 2, 'the second ping arrives');
    const later = receivedFor(ws.id)[1]!;
    expect(later.signature.split(' ')).toHaveLength(1);
    expect(() => new Webhook(endpoint.secret).verify(later.body, headersOf(later))).toThrow();
  });

  it('when a delivered event is retried by hand, then it is sent again under the same webhook-id', async () => {
    const { ws, endpoint } = await endpointFor(['card.*']);
    await writeCardEvents(t.db, ws.id, 1, 1);
    await eventually(async () => {
      const list = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`);
      return list.body.items[0]?.status === 'delivered';
    }, 'the event is delivered');
    const list = await as(t.app, ws.apiKey).get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    const retried = await as(t.app, ws.apiKey).post(`/v1/webhook-deliveries/${list.body.items[0].id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body.status).toBe('pending');
    await eventually(() => receivedFor(ws.id).length === 2, 'it arrives again');
    const [first, second] = receivedFor(ws.id);
    expect(second!.id).toBe(first!.id);
    expect(second!.body).toBe(first!.body);
  });

  it('when an endpoint is asked for with bad input, then the answer is a problem that says what is wrong', async () => {
    const ws = await t.createWorkspace();
    const other = await t.createWorkspace();
    const api = as(t.app, ws.apiKey);
    const cases: Array<[unknown, RegExp]> = [
      [{ url: 'http://example.com/hook', events: ['*'] }, /https/],
      [{ url: 'https://10.1.2.3/hook', events: ['*'] }, /private|public_address/],
      [{ url: 'https://localhost:9/hook', events: ['*'] }, /OUTBOUND_ALLOW_HOSTS/],
      [{ url: 'https://user:pw@example.com/hook', events: ['*'] }, /credentials/],
      [{ url: 'https://example.com/hook', events: ['card.exploded'] }, /events/],
      [{ url: 'https://example.com/hook', events: [] }, /events/],
      [{ url: 'https://example.com/hook', events: ['*'], secret: 'mine' }, /secret/],
    ];
    for (const [body, detail] of cases) {
      const res = await api.post('/v1/webhook-endpoints', body as object);
      expectProblem(res, 400);
      expect(JSON.stringify(res.body)).toMatch(detail);
    }
    const created = await api
      .post('/v1/webhook-endpoints')
      .send({ url: 'https://example.com/hook', events: ['card.*'] });
    expect(created.status).toBe(201);
    expectProblem(await as(t.app, other.apiKey).get(`/v1/webhook-endpoints/${created.body.id}`), 404);
    expectProblem(await as(t.app, other.apiKey).delete(`/v1/webhook-endpoints/${created.body.id}`), 404);
    expectProblem(await api.patch(`/v1/webhook-endpoints/${created.body.id}`, {}), 400);
    expectProblem(
      await api.patch(`/v1/webhook-endpoints/${created.body.id}`, { url: 'https://192.168.1.1/' }),
      400,
    );
    expectProblem(await api.post('/v1/webhook-deliveries/abc/retry'), 400);
    expectProblem(await api.post('/v1/webhook-deliveries/999999999/retry'), 404);
    const listed = await api.get('/v1/webhook-endpoints');
    expect(listed.body.items.map((e: { id: string }) => e.id)).toEqual([created.body.id]);
    expect((await api.delete(`/v1/webhook-endpoints/${created.body.id}`)).status).toBe(204);
    expectProblem(await api.get(`/v1/webhook-endpoints/${created.body.id}`), 404);
  });
});
