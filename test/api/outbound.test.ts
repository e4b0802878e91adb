import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptSecret } from '../../config/secret-box';
import { entraClientFactory } from '../../graph/entra-client';
import { createOutbound } from '../../net/outbound';
import { NO_ALLOWED_HOSTS, parseOutboundAllowHosts } from '../../net/outbound-policy';
import { startConnectionCounter } from '../helpers/connection-counter';
import { ENCRYPTION_KEY, as, expectProblem, startApiTest, type ApiTestContext } from './support';

/**
 * Issue 20, item 1: a workspace key may point its Entra connection at Microsoft's clouds only
 * (or what the operator allow-listed); anything else is refused with the rule's name, and nothing
 * is connected to. A local TCP listener counts connection attempts.
 */
describe('outbound requests only where the operator allows (SSRF)', () => {
  let t: ApiTestContext;
  let counter: Awaited<ReturnType<typeof startConnectionCounter>>;
  const body = (over: object) => ({
    tenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: 'a-secret',
    ...over,
  });

  beforeAll(async () => {
    counter = await startConnectionCounter();
    // The api's real client factory, with no host allowed besides Microsoft's clouds.
    t = await startApiTest({
      outboundPolicy: NO_ALLOWED_HOSTS,
      entraClientFor: entraClientFactory(createOutbound(NO_ALLOWED_HOSTS)),
    });
  });
  afterAll(async () => {
    await t.close();
    await counter.close();
  });

  it.each([
    ['https://127.0.0.1:1', 'public_address'],
    ['https://10.0.0.1', 'public_address'],
    ['https://169.254.169.254', 'public_address'],
    ['https://[::1]:8443', 'public_address'],
    ['https://login.evil.example', 'allowed_host'],
    ['https://login.microsoftonline.com:8443', 'allowed_port'],
  ])(
    'when a workspace key sets authorityHost %s, then 400 problem+json names the rule %s and nothing is stored',
    async (host, rule) => {
      const ws = await t.createWorkspace();
      const api = as(t.app, ws.apiKey);
      const res = await api.put('/v1/entra-connection', body({ authorityHost: host }));
      expectProblem(res, 400);
      expect(res.body).toMatchObject({ code: 'outbound_refused', rule });
      expect(res.body.detail).toContain(`outbound rule ${rule}`);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.authorityHost', rule })]);
      expect((await api.get('/v1/entra-connection')).status).toBe(404);
    },
  );

  it('when graphBaseUrl points at a sign-in host, a non-Microsoft host or a private address, then it is refused too', async () => {
    const ws = await t.createWorkspace();
    const api = as(t.app, ws.apiKey);
    for (const [url, rule] of [
      ['https://login.microsoftonline.com', 'allowed_host'],
      ['https://graph.evil.example', 'allowed_host'],
      ['https://192.168.0.10', 'public_address'],
    ]) {
      const res = await api.put('/v1/entra-connection', body({ graphBaseUrl: url }));
      expectProblem(res, 400);
      expect(res.body.rule, url).toBe(rule);
      expect(res.body.errors[0].path).toBe('body.graphBaseUrl');
    }
  });

  it('when a key points the connection at a local port, then the answer is the same whatever listens there, and no connection is made', async () => {
    const ws = await t.createWorkspace();
    const api = as(t.app, ws.apiKey);
    const open = await api.put(
      '/v1/entra-connection',
      body({ authorityHost: `https://127.0.0.1:${counter.port}` }),
    );
    const closed = await api.put('/v1/entra-connection', body({ authorityHost: 'https://127.0.0.1:1' }));
    expectProblem(open, 400);
    const portless = (detail: string) => detail.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:P');
    expect(portless(open.body.detail)).toBe(portless(closed.body.detail));
    expect(counter.connections()).toBe(0);
  });

  it("when a key sets Microsoft's hosts (the defaults or another cloud), then they are accepted without any network call", async () => {
    // startApiTest's default factory throws when called: the check needs no Graph and no DNS
    const local = await startApiTest({ outboundPolicy: NO_ALLOWED_HOSTS });
    try {
      const ws = await local.createWorkspace();
      const api = as(local.app, ws.apiKey);
      expect((await api.put('/v1/entra-connection', body({}))).status).toBe(200);
      const gov = await api.put(
        '/v1/entra-connection',
        body({
          authorityHost: 'https://login.microsoftonline.us',
          graphBaseUrl: 'https://graph.microsoft.us',
        }),
      );
      expect(gov.status, gov.text).toBe(200);
      expect(gov.body).toMatchObject({ authorityHost: 'https://login.microsoftonline.us' });
    } finally {
      await local.close();
    }
  });

  it('when the operator allow-lists a host:port, then a key may use it (still without connecting on save)', async () => {
    const allowed = `127.0.0.1:${counter.port}`;
    const local = await startApiTest({ outboundPolicy: parseOutboundAllowHosts(allowed) });
    try {
      const ws = await local.createWorkspace();
      const res = await as(local.app, ws.apiKey).put(
        '/v1/entra-connection',
        body({ authorityHost: `https://${allowed}`, graphBaseUrl: `https://${allowed}` }),
      );
      expect(res.status, res.text).toBe(200);
      expect(counter.connections()).toBe(0);
    } finally {
      await local.close();
    }
  });

  it('when a stored connection points where the policy refuses (saved before it), then the connection test reports outbound_refused and connects nowhere', async () => {
    const ws = await t.createWorkspace();
    await t.db
      .insertInto('entraConnections')
      .values({
        workspaceId: ws.id,
        tenantId: randomUUID(),
        clientId: randomUUID(),
        clientSecretEncrypted: encryptSecret('a-secret', ENCRYPTION_KEY, ws.id),
        authorityHost: `https://127.0.0.1:${counter.port}`,
        graphBaseUrl: `https://127.0.0.1:${counter.port}`,
      })
      .execute();
    const res = await as(t.app, ws.apiKey).post('/v1/entra-connection/test');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ok: false, errorCode: 'outbound_refused' });
    expect(res.body.detail).toMatch(/outbound rule public_address/);
    expect(counter.connections()).toBe(0);
  });
});
