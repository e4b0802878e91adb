import { createHash } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type { Outbound } from '../net/outbound';
import { MICROSOFT_AUTHORITY_HOSTS } from '../net/outbound-policy';
import type { GraphLimits } from './limits';
import { msalNetworkClient } from './msal-network';
import type { EntraConnection } from './types';

/**
 * One ConfidentialClientApplication per (authority, tenant, client, secret) and outbound path:
 * MSAL's in-memory token cache lives inside it, so reusing the instance is what makes tokens
 * cached until near expiry. Keyed explicitly, including a hash of the secret, so a rotated secret
 * gets a fresh instance.
 */
const appsByOutbound = new WeakMap<Outbound, Map<string, ConfidentialClientApplication>>();
const MAX_CACHED_APPS = 500;

export function authorityUrl(conn: EntraConnection): string {
  return `${trimSlash(conn.authorityHost)}/${encodeURIComponent(conn.tenantId)}`;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Microsoft's own login hosts need no knownAuthorities; MSAL discovers them. */
function isMicrosoftAuthority(host: string): boolean {
  return (MICROSOFT_AUTHORITY_HOSTS as readonly string[]).includes(host.toLowerCase());
}

export function confidentialClientFor(
  conn: EntraConnection,
  outbound: Outbound,
  limits: Pick<GraphLimits, 'maxDiscoveryBytes'>,
): ConfidentialClientApplication {
  let apps = appsByOutbound.get(outbound);
  if (!apps) appsByOutbound.set(outbound, (apps = new Map()));
  const secretHash = createHash('sha256').update(conn.clientSecret).digest('hex').slice(0, 16);
  const key = [trimSlash(conn.authorityHost), conn.tenantId, conn.clientId, secretHash].join('|');
  let app = apps.get(key);
  if (!app) {
    const host = new URL(conn.authorityHost).host;
    app = new ConfidentialClientApplication({
      auth: {
        clientId: conn.clientId,
        clientSecret: conn.clientSecret,
        authority: authorityUrl(conn),
        // a non-Microsoft host (the emulator) is only trusted when listed, as host:port
        knownAuthorities: isMicrosoftAuthority(new URL(conn.authorityHost).hostname) ? [] : [host],
      },
      system: {
        // every call MSAL makes goes through the operator's outbound policy (msal-network.ts)
        networkClient: msalNetworkClient(outbound, limits),
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
      },
    });
    apps.set(key, app);
    if (apps.size > MAX_CACHED_APPS) apps.delete(apps.keys().next().value!); // oldest connection first
  }
  return app;
}

/** For tests: forget cached applications (and with them their tokens). */
export function clearConfidentialClients(outbound: Outbound): void {
  appsByOutbound.delete(outbound);
}
