import type { LookupAddress } from 'node:dns';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { LookupFunction } from '../../net/guarded-lookup';
import { createOutbound } from '../../net/outbound';
import { NO_ALLOWED_HOSTS, parseOutboundAllowHosts } from '../../net/outbound-policy';
import { findOutboundRefusal } from '../../net/outbound-refused';
import { startConnectionCounter } from '../helpers/connection-counter';

/** A resolver that answers every name with one address, and records the names it was asked. */
function resolvingTo(address: string) {
  const asked: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    const answer: LookupAddress = { address, family: address.includes(':') ? 6 : 4 };
    if (options.all) callback(null, [answer]);
    else callback(null, answer.address, answer.family);
  };
  return { lookup, asked };
}

async function refusalOf(work: Promise<unknown>) {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  return findOutboundRefusal(err);
}

/** One https.request through an agent, bypassing the URL check: what the agent alone lets through. */
function requestThrough(agent: https.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { agent }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the guarded outbound path', () => {
  let counter: Awaited<ReturnType<typeof startConnectionCounter>>;
  beforeAll(async () => {
    counter = await startConnectionCounter();
  });
  afterAll(() => counter.close());

  it('when the emulator host:port is allow-listed, then a call to it on 127.0.0.1 goes through (by IP and by name)', async () => {
    const emulator = new URL(inject('emulatorUrl'));
    const byIp = createOutbound(parseOutboundAllowHosts(emulator.host));
    const res = await byIp.fetch(`${emulator.origin}/nothing-here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NotFound' } });

    const byName = createOutbound(parseOutboundAllowHosts(`localhost:${emulator.port}`));
    const again = await byName.fetch(`https://localhost:${emulator.port}/nothing-here`);
    expect(again.status).toBe(404);
    await again.body?.cancel();
  });

  it('when a name that passes the URL check resolves to 127.0.0.1 at connect time, then the connection is refused (DNS rebinding)', async () => {
    const dns = resolvingTo('127.0.0.1');
    const outbound = createOutbound(NO_ALLOWED_HOSTS, { lookup: dns.lookup });
    const refusal = await refusalOf(outbound.fetch('https://graph.microsoft.com/v1.0/users'));
    expect(refusal?.rule).toBe('public_address');
    expect(refusal?.message).toMatch(/graph\.microsoft\.com resolves to 127\.0\.0\.1, a loopback address/);
    expect(dns.asked).toEqual(['graph.microsoft.com']); // refused where the socket resolves, not before
  });

  it('when a name resolving to 127.0.0.1 is not allow-listed, then the agent makes no connection to it', async () => {
    const dns = resolvingTo('127.0.0.1');
    const agent = createOutbound(NO_ALLOWED_HOSTS, { lookup: dns.lookup }).agent;
    const refusal = await refusalOf(requestThrough(agent, `https://rebound.example:${counter.port}/`));
    expect(refusal?.rule).toBe('public_address');
    const byIp = await refusalOf(requestThrough(agent, `https://127.0.0.1:${counter.port}/`));
    expect(byIp?.message).toMatch(/127\.0\.0\.1:\d+ is a loopback address/);
    const metadata = await refusalOf(requestThrough(agent, 'https://169.254.169.254/latest/meta-data/'));
    expect(metadata?.rule).toBe('public_address');
    expect(counter.connections()).toBe(0);
  });

  it('when the same name and port are allow-listed, then the agent connects (the counter sees it)', async () => {
    const dns = resolvingTo('127.0.0.1');
    const before = counter.connections();
    const agent = createOutbound(parseOutboundAllowHosts(`rebound.example:${counter.port}`), {
      lookup: dns.lookup,
    }).agent;
    await requestThrough(agent, `https://rebound.example:${counter.port}/`).catch(() => undefined);
    expect(counter.connections()).toBe(before + 1);
  });

  it('when a URL is refused by the policy, then fetch throws before resolving or connecting', async () => {
    const dns = resolvingTo('127.0.0.1');
    const outbound = createOutbound(NO_ALLOWED_HOSTS, { lookup: dns.lookup });
    const before = counter.connections();
    for (const url of [
      `https://127.0.0.1:${counter.port}/`,
      'https://evil.example.com/',
      'http://graph.microsoft.com/',
    ])
      expect(await refusalOf(outbound.fetch(url)), url).not.toBeNull();
    expect(dns.asked).toEqual([]);
    expect(counter.connections()).toBe(before);
  });
});
