import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import request from 'supertest';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret } from '../../config/secret-box';
import { createDatabase } from '../../db/database';
import { as, ENCRYPTION_KEY, expectProblem, startApiTest, type ApiTestContext } from './support';

/** Collects pino's JSON lines so tests can read what was logged. */
function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe('operations: probes, metrics, logs, limits and errors', () => {
  let t: ApiTestContext;
  const logs = captureLogs();
  beforeAll(async () => {
    t = await startApiTest({ logger: logs.logger });
  });
  afterAll(async () => t?.close());

  it('when /healthz and /readyz are called with Postgres and Temporal up, then both answer 200', async () => {
    expect((await request(t.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(t.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
  });

  it('when Postgres is unreachable, then /readyz answers 503 naming it and other routes answer 500 without internals', async () => {
    const broken = createDatabase({ url: 'postgres://nobody:pw@127.0.0.1:1/none', max: 1 });
    const down = await startApiTest({ db: broken, logger: pino({ level: 'silent' }) });
    try {
      const ready = await request(down.app).get('/readyz');
      expectProblem(ready, 503);
      expect(ready.body.checks).toEqual({ database: 'unreachable', temporal: 'ok' });
      expect(ready.body.detail).toBe('not ready: database is unreachable');
      // which dependency, never its error text (no host, port or driver message to an anonymous caller)
      expect(ready.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|nobody|connect/);
      const res = await request(down.app).get('/v1/groups').set('Authorization', 'Bearer ecs_anything');
      expectProblem(res, 500);
      expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack|at /);
      expect(res.body.detail).toContain('X-Request-Id');
    } finally {
      await down.close().catch(() => {});
    }
  });

  it('when a request carries x-request-id, then it is echoed and logged; otherwise one is made up', async () => {
    const res = await request(t.app).get('/healthz').set('x-request-id', 'trace-123');
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(logs.lines.some((l) => JSON.parse(l).reqId === 'trace-123')).toBe(true);
    const fresh = await request(t.app).get('/healthz');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await request(t.app).get('/healthz').set('x-request-id', 'bad id\twith spaces');
    expect(hostile.headers['x-request-id']).not.toContain(' ');
  });

  it('when an Entra secret is saved, then it is stored encrypted and never returned or logged', async () => {
    const ws = await t.createWorkspace();
    const secret = `super-secret-${randomUUID()}`;
    const put = await as(t.app, ws.apiKey).put('/v1/entra-connection', {
      tenantId: 'contoso.onmicrosoft.com',
      clientId: randomUUID(),
      clientSecret: secret,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      tenantId: 'contoso.onmicrosoft.com',
      clientSecretSet: true,
      authorityHost: 'https://login.microsoftonline.com',
    });
    const get = await as(t.app, ws.apiKey).get('/v1/entra-connection');
    expect(get.body).toEqual(put.body);
    expect(put.text + get.text).not.toContain(secret);
    const row = await t.db
      .selectFrom('entraConnections')
      .selectAll()
      .where('workspaceId', '=', ws.id)
      .executeTakeFirstOrThrow();
    expect(row.clientSecretEncrypted).not.toContain(secret);
    expect(decryptSecret(row.clientSecretEncrypted, ENCRYPTION_KEY, ws.id)).toBe(secret);
    expect(logs.lines.join('\n')).not.toContain(secret);
    expect(logs.lines.join('\n')).not.toContain(ws.apiKey);
  });

  it('when /metrics is scraped, then run counts by kind and trigger come from the sync_runs table and HTTP requests are counted', async () => {
    const ws = await t.createWorkspace();
    const kind = 'import';
    for (const status of ['completed', 'completed', 'failed'] as const) {
      await t.db
        .insertInto('syncRuns')
        .values({
          workspaceId: ws.id,
          kind,
          trigger: 'schedule',
          status,
          params: '{}',
          counts: '{}',
          checkpoint: '{}',
          workflowId: `m-${randomUUID()}`,
          finishedAt: new Date(Date.now() + 1000),
        })
        .execute();
    }
    const res = await request(t.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(res.text)?.[1] ?? NaN);
    expect(
      value('entra_sync_runs_completed_total\\{kind="import",trigger="schedule"\\}'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      value('entra_sync_runs_failed_total\\{kind="import",trigger="schedule"\\}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value('entra_sync_runs_started_total\\{kind="import",trigger="schedule"\\}'),
    ).toBeGreaterThanOrEqual(3);
    expect(
      value('entra_sync_run_duration_seconds_count\\{kind="import",status="completed"\\}'),
    ).toBeGreaterThanOrEqual(2);
    expect(res.text).toMatch(/^http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/m);
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toContain('# TYPE entra_graph_requests_total counter');
    expect(res.text).toContain('# TYPE entra_activity_retries_total counter');
  });

  it('when a disabled endpoint owes deliveries, then /metrics shows it among the endpoints and counts what is pending and how old it is', async () => {
    const ws = await t.createWorkspace();
    const api = as(t.app, ws.apiKey);
    const endpoint = await api.post('/v1/webhook-endpoints', {
      url: 'https://hooks.example.com/m',
      events: ['*'],
    });
    await api.post(`/v1/webhook-endpoints/${endpoint.body.id}/test`);
    await api.post(`/v1/webhook-endpoints/${endpoint.body.id}/test`);
    await sql`update webhook_deliveries set created_at = now() - interval '1 hour' where endpoint_id = ${endpoint.body.id}::uuid`.execute(
      t.db,
    );
    await api.patch(`/v1/webhook-endpoints/${endpoint.body.id}`, { status: 'disabled' });
    const res = await request(t.app).get('/metrics');
    const value = (name: string) =>
      Number(new RegExp(`^${name} (\\d+(\\.\\d+)?)`, 'm').exec(res.text)?.[1] ?? NaN);
    expect(value('entra_webhook_endpoints\\{status="disabled"\\}')).toBeGreaterThanOrEqual(1);
    expect(value('entra_webhook_deliveries_pending')).toBeGreaterThanOrEqual(2);
    expect(value('entra_webhook_oldest_pending_seconds')).toBeGreaterThanOrEqual(3_590);
  });

  it('when a key sends more requests than its bucket holds, then it gets 429 problem+json with Retry-After, and another key is unaffected', async () => {
    const limited = await startApiTest({
      rateLimit: { capacity: 3, refillPerSecond: 0.5 },
      logger: pino({ level: 'silent' }),
    });
    try {
      const one = await limited.createWorkspace();
      const two = await limited.createWorkspace();
      const statuses: number[] = [];
      let last: request.Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = await as(limited.app, one.apiKey).get('/v1/groups');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expectProblem(last!, 429);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await as(limited.app, two.apiKey).get('/v1/groups')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('when OPTIONS is sent on a known path, then it answers 204 with Allow', async () => {
    const res = await request(t.app).options('/v1/groups/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, PATCH, DELETE');
  });
});
