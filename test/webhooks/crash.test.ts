import { fork } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ENCRYPTION_KEY, as, startApiTest, type ApiTestContext } from '../api/support';
import { eventually, startReceiver, type Receiver } from './receiver';
import { policyWith, startTestDispatcher, writeCardEvents } from './support';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crashing-dispatcher.ts');

describe('webhook delivery across a killed worker', () => {
  let t: ApiTestContext;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startApiTest({ outboundPolicy: policyWith(receiver.host) });
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('when the worker delivering is SIGKILLed mid-batch, then another takes the endpoint over at once and every event arrives, in order per card', async () => {
    const ws = await t.createWorkspace();
    const created = await as(t.app, ws.apiKey).post('/v1/webhook-endpoints', {
      url: receiver.url,
      events: ['card.*'],
    });
    expect(created.status).toBe(201);
    const cards = await writeCardEvents(t.db, ws.id, 100, 4);

    const child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        DATABASE_URL: inject('databaseUrl'),
        OUTBOUND_ALLOW_HOSTS: policyWith(receiver.host)
          .allow.map((a) => `${a.host}:${a.port}`)
          .join(','),
        ENCRYPTION_KEY: ENCRYPTION_KEY.toString('hex'),
        WORKSPACE_ID: ws.id,
        KILL_AT_SEND: '150',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect(signal).toBe('SIGKILL');
    const beforeTakeover = receiver.received.length;
    expect(beforeTakeover).toBeGreaterThanOrEqual(150);
    expect(beforeTakeover).toBeLessThan(400);

    const dispatcher = startTestDispatcher(t.db, policyWith(receiver.host), [ws.id]);
    try {
      await eventually(
        () => new Set(receiver.received.map((r) => r.id)).size === 400,
        'all 400 events arrive',
        30_000,
      );
    } finally {
      await dispatcher.stop();
    }
    // at least once: what the killed worker sent but never recorded may come twice, nothing is lost
    const firstTimes = new Map<string, (typeof receiver.received)[number]>();
    for (const r of receiver.received) if (!firstTimes.has(r.id)) firstTimes.set(r.id, r);
    for (const card of cards) {
      const versions = [...firstTimes.values()]
        .filter((r) => r.json.data.id === card)
        .map((r) => r.json.data.version);
      expect(versions).toEqual([1, 2, 3, 4]);
    }
    const { rows } = await sql<{ n: string }>`
      select count(*)::text as n from webhook_deliveries where endpoint_id = ${created.body.id}::uuid and status = 'delivered'`.execute(
      t.db,
    );
    expect(Number(rows[0]!.n)).toBe(400);
  });
});
