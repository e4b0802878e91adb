import { createHash } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type { EntraConnection } from './types';

/**
 * One ConfidentialClientApplication per (authority, tenant, client, secret): MSAL's in-memory token
 * cache lives inside it, so reusing the instance is what makes tokens cached until near expiry.
 * Keyed explicitly, including a hash of the secret, so a rotated secret gets a fresh instance.
 */
const apps = new Map<string, ConfidentialClientApplication>();
const MAX_CACHED_APPS = 500;

export function authorityUrl(conn: EntraConnection): string {
  return `${trimSlash(conn.authorityHost)}/${encodeURIComponent(conn.tenantId)}`;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Microsoft's own login hosts need no knownAuthorities; MSAL discovers them. */
function isMicrosoftAuthority(host: string): boolean {
  return /(^|\.)login\.(microsoftonline\.(com|us)|microsoft\.com|partner\.microsoftonline\.cn|chinacloudapi\.cn)$/.test(
    host,
  );
}

export function confidentialClientFor(conn: EntraConnection): ConfidentialClientApplication {
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
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
      },
    });
    apps.set(key, app);
    if (apps.size > MAX_CACHED_APPS) apps.delete(apps.keys().next().value!); // oldest connection first
  }
  return app;
}

/** For tests: forget cached applications (and with them their tokens). */
export function clearConfidentialClients(): void {
  apps.clear();
}
