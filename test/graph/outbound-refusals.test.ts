import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEmulatorCertificates } from '../../emulator/certificates';
import { createEntraClient } from '../../graph/entra-client';
import type { EntraError } from '../../graph/errors';
import { createOutbound } from '../../net/outbound';
import { parseOutboundAllowHosts } from '../../net/outbound-policy';
import { startConnectionCounter } from '../helpers/connection-counter';

/**
 * An allow-listed sign-in host may still not send MSAL elsewhere: the token endpoint named by its
 * OpenID document (which receives the client secret) must pass the policy too.
 */
describe('MSAL under the outbound policy', () => {
  let counter: Awaited<ReturnType<typeof startConnectionCounter>>;
  let hostile: Server;
  let hostilePort: number;
  let tokenEndpoint = '';
  let tokenRequests = 0;

  beforeAll(async () => {
    counter = await startConnectionCounter();
    // The emulator's own certificate (its CA is what this process trusts), on a server of ours.
    const certs = ensureEmulatorCertificates(path.dirname(process.env.NODE_EXTRA_CA_CERTS!));
    hostile = createServer({ cert: certs.serverCertPem, key: certs.serverKeyPem }, (req, res) => {
      if (req.url?.includes('openid-configuration')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const issuer = `https://127.0.0.1:${hostilePort}/tenant/v2.0`;
        res.end(
          JSON.stringify({
            token_endpoint: tokenEndpoint,
            issuer,
            authorization_endpoint: issuer,
            jwks_uri: issuer,
          }),
        );
        return;
      }
      tokenRequests++;
      res.writeHead(400).end();
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    hostilePort = (hostile.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => hostile.close(resolve));
    await counter.close();
  });

  const signInThroughHostile = async () => {
    const outbound = createOutbound(parseOutboundAllowHosts(`127.0.0.1:${hostilePort}`));
    const conn = {
      tenantId: 'tenant',
      clientId: '00000000-0000-0000-0000-000000000001',
      clientSecret: 'the-client-secret',
      authorityHost: `https://127.0.0.1:${hostilePort}`,
      graphBaseUrl: `https://127.0.0.1:${hostilePort}`,
    };
    return (await createEntraClient(conn, outbound)
      .getGroup('00000000-0000-0000-0000-000000000002')
      .catch((e: unknown) => e)) as EntraError;
  };

  it("when an allow-listed authority's OpenID document names a token endpoint on a local port, then MSAL never connects there", async () => {
    tokenEndpoint = `https://127.0.0.1:${counter.port}/tenant/oauth2/v2.0/token`;
    const error = await signInThroughHostile();
    expect(error).toMatchObject({ code: 'outbound_refused', retryable: false });
    expect(error.message).toMatch(/outbound rule public_address: 127\.0\.0\.1:\d+ is refused/);
    expect(counter.connections()).toBe(0);
    expect(tokenRequests).toBe(0);
  });

  it('when it names a token endpoint on a foreign host, then that is refused by name, before any DNS lookup', async () => {
    tokenEndpoint = 'https://collect.evil.example/token';
    const error = await signInThroughHostile();
    expect(error).toMatchObject({ code: 'outbound_refused' });
    expect(error.message).toMatch(/outbound rule allowed_host: collect\.evil\.example is refused/);
  });

  it('when the token endpoint is on the allow-listed host itself, then MSAL does post there (the rule is what stops it above)', async () => {
    tokenEndpoint = `https://127.0.0.1:${hostilePort}/tenant/oauth2/v2.0/token`;
    const before = tokenRequests;
    const error = await signInThroughHostile();
    expect(error.code).not.toBe('outbound_refused');
    expect(tokenRequests).toBeGreaterThan(before);
  });
});
