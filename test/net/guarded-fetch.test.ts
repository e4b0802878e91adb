import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmulatorCertificates } from '../../emulator/certificates';
import { createOutbound, type Outbound } from '../../net/outbound';
import { parseOutboundAllowHosts } from '../../net/outbound-policy';

const LARGE = Buffer.alloc(3 * 1024 * 1024 + 7, 'photo bytes ');

/** The fetch MSAL and the Graph client now go through behaves as fetch does where they rely on it. */
describe('fetch through the guarded agent', () => {
  let server: Server;
  let base: string;
  let outbound: Outbound;

  beforeAll(async () => {
    const certs = ensureEmulatorCertificates(path.dirname(process.env.NODE_EXTRA_CA_CERTS!));
    server = createServer({ cert: certs.serverCertPem, key: certs.serverKeyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (req.url === '/gzip') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          return res.end(gzipSync(JSON.stringify({ zipped: true, accept: req.headers['accept-encoding'] })));
        }
        if (req.url === '/empty') return res.writeHead(204).end();
        if (req.url === '/large') return res.writeHead(200).end(LARGE);
        if (req.url === '/stream') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('first part; ');
          return setTimeout(() => res.end('too late'), 2000);
        }
        if (req.url === '/slow') return setTimeout(() => res.writeHead(200).end('late'), 2000);
        if (req.url === '/redirect')
          return res.writeHead(302, { location: 'https://169.254.169.254/' }).end();
        res.writeHead(201, { 'content-type': 'application/json', 'x-multi': 'a' });
        res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    base = `https://127.0.0.1:${port}`;
    outbound = createOutbound(parseOutboundAllowHosts(`127.0.0.1:${port}`));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('when a body is posted as a string or form, then it arrives whole with its headers', async () => {
    const res = await outbound.fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_secret: 'x y', scope: 'a/.default' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-multi')).toBe('a');
    expect(await res.json()).toEqual({
      method: 'POST',
      body: 'client_secret=x+y&scope=a%2F.default',
      type: 'application/x-www-form-urlencoded',
    });
    const fromRequest = await outbound.fetch(
      new Request(`${base}/echo`, { method: 'POST', body: '{"a":1}' }),
    );
    expect(((await fromRequest.json()) as { body: string }).body).toBe('{"a":1}');
  });

  it('when the answer is gzip, then it is decoded; 204 has no body; a redirect is returned, not followed', async () => {
    expect(await (await outbound.fetch(`${base}/gzip`)).json()).toEqual({
      zipped: true,
      accept: 'gzip, deflate, br',
    });
    const empty = await outbound.fetch(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const redirect = await outbound.fetch(`${base}/redirect`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://169.254.169.254/');
  });

  it('when the signal times out, then fetch rejects with the TimeoutError the error classification expects', async () => {
    const error = await outbound
      .fetch(`${base}/slow`, { signal: AbortSignal.timeout(100) })
      .catch((e: unknown) => e as Error);
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('when many requests share one long-lived signal, then none leaves a listener on it once read', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 5; i++) {
      const res = await outbound.fetch(`${base}/echo`, { signal: controller.signal });
      await res.json();
    }
    const empty = await outbound.fetch(`${base}/empty`, { signal: controller.signal });
    expect(empty.status).toBe(204);
    // the answers' sockets close after their bodies end
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('when the signal aborts while the answer streams, then reading the body rejects', async () => {
    const controller = new AbortController();
    const res = await outbound.fetch(`${base}/stream`, { signal: controller.signal });
    expect(res.status).toBe(200);
    const reading = res.text();
    controller.abort(new Error('stopped by the caller'));
    await expect(reading).rejects.toThrow();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('when the answer spans many reads, then its body arrives whole; a reader may cancel it half-read', async () => {
    const whole = Buffer.from(await (await outbound.fetch(`${base}/large`)).arrayBuffer());
    expect(whole.equals(LARGE)).toBe(true);
    const res = await outbound.fetch(`${base}/large`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(first.value!.byteLength).toBeGreaterThan(0);
    await reader.cancel();
    expect((await reader.read()).done).toBe(true);
  });
});
