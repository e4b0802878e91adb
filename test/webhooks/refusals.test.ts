import { randomUUID } from 'node:crypto';
import type { LookupFunction } from '../../net/guarded-lookup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookSender } from '../../delivery/webhook-sender';
import { startReceiver, type Receiver } from './receiver';
import { policyWith } from './support';

/** What one POST comes to when the receiver redirects, stalls, or its name leads somewhere private. */
describe('a webhook attempt that cannot be a delivery', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => receiver.close());

  const body = JSON.stringify({ id: '1', type: 'ping' });
  const headers = { 'webhook-id': '1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' };

  it('when the receiver answers a redirect, then it is a failed attempt that names it, and the redirect is not followed', async () => {
    receiver.answer = () => 307;
    const sender = createWebhookSender(policyWith(receiver.host), { timeoutMs: 2_000, maxSockets: 2 });
    const before = receiver.received.length;
    const result = await sender.send(receiver.url, headers, body);
    sender.close();
    expect(result).toMatchObject({ statusCode: 307, error: 'answered 307: redirects are not followed' });
    expect(receiver.received.length).toBe(before + 1);
  });

  it('when the receiver does not answer in time, then the attempt ends at the timeout', async () => {
    const stall = await startReceiver();
    stall.answer = () => null;
    const sender = createWebhookSender(policyWith(stall.host), { timeoutMs: 300, maxSockets: 2 });
    const result = await sender.send(stall.url, headers, body);
    sender.close();
    expect(result.statusCode).toBeNull();
    expect(result.error).toBe('no answer within 0.3 s');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    stall.close().catch(() => undefined);
  });

  it('when a public-looking name resolves to a private address, then the connection is refused by the outbound rule', async () => {
    const name = `hooks-${randomUUID().slice(0, 8)}.example.test`;
    const toLoopback: LookupFunction = (_host, opts, cb) =>
      opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
    const sender = createWebhookSender(policyWith(), { timeoutMs: 2_000, maxSockets: 2, lookup: toLoopback });
    const port = receiver.host.split(':')[1];
    const before = receiver.received.length;
    const result = await sender.send(`https://${name}:${port}/hooks`, headers, body);
    sender.close();
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/outbound rule public_address/);
    expect(receiver.received.length).toBe(before);
  });
});
