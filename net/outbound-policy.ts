import { isIP } from 'node:net';
import { nonPublicKind } from './ip-ranges';

/** Microsoft's sign-in hosts (public cloud, US Government, China operated by 21Vianet). */
export const MICROSOFT_AUTHORITY_HOSTS = [
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
  'login.chinacloudapi.cn',
] as const;

/** Microsoft Graph in the same clouds. */
export const MICROSOFT_GRAPH_HOSTS = [
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
] as const;

/** Every Microsoft host this service calls on its own (MSAL talks to sign-in hosts, the client to Graph). */
export const MICROSOFT_HOSTS: readonly string[] = [...MICROSOFT_AUTHORITY_HOSTS, ...MICROSOFT_GRAPH_HOSTS];

/** One OUTBOUND_ALLOW_HOSTS entry: a host on port 443 (`host`) or on the port given (`host:port`). */
export interface AllowedHost {
  /** lower case; IPv6 in brackets, as URL.hostname spells it */
  host: string;
  port: number;
}

/** What the operator allows besides Microsoft's clouds; built once at start and passed down. */
export interface OutboundPolicy {
  allow: readonly AllowedHost[];
}

/** The names of the rules, stable: problems and errors carry them so a caller can tell which one refused. */
export type OutboundRule =
  'https_only' | 'no_credentials' | 'public_address' | 'allowed_host' | 'allowed_port';

export interface OutboundRefusal {
  rule: OutboundRule;
  message: string;
}

export const NO_ALLOWED_HOSTS: OutboundPolicy = { allow: [] };

/** Parses OUTBOUND_ALLOW_HOSTS (`host` or `host:port`, comma-separated); throws on an entry that is neither. */
export function parseOutboundAllowHosts(raw: string | undefined): OutboundPolicy {
  const allow: AllowedHost[] = [];
  for (const entry of (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    let url: URL | null = null;
    try {
      url = /[/?#@*\s]/.test(entry) ? null : new URL(`https://${entry}`);
    } catch {
      url = null;
    }
    if (!url) {
      throw new Error(
        `OUTBOUND_ALLOW_HOSTS entry "${entry}" is not a host or host:port (e.g. graph.contoso.test:8443)`,
      );
    }
    allow.push({ host: normaliseHost(url.hostname), port: portOf(url) });
  }
  return { allow };
}

/** The policy's entries as OUTBOUND_ALLOW_HOSTS spells them, for logs and child processes. */
export function formatOutboundAllowHosts(policy: OutboundPolicy): string {
  return policy.allow.map((a) => (a.port === 443 ? a.host : `${a.host}:${a.port}`)).join(',');
}

function normaliseHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : 443;
}

export function isAllowListed(policy: OutboundPolicy, hostname: string, port: number): boolean {
  const host = normaliseHost(hostname);
  return policy.allow.some((a) => a.host === host && a.port === port);
}

/**
 * Whether a URL may be called: https only, no credentials in it, one of `hosts` (Microsoft's) on
 * port 443, or a host:port the operator allow-listed. Connection-time checks (guarded-agent.ts)
 * add what a URL cannot show: where a name resolves to.
 */
export function checkOutboundUrl(
  raw: string | URL,
  policy: OutboundPolicy,
  hosts: readonly string[] = MICROSOFT_HOSTS,
): OutboundRefusal | null {
  let url: URL;
  try {
    url = typeof raw === 'string' ? new URL(raw) : raw;
  } catch {
    return refuse('https_only', `"${String(raw)}" is not an absolute https URL`);
  }
  if (url.protocol !== 'https:')
    return refuse('https_only', `${url.origin} is refused: only https is called`);
  if (url.username || url.password)
    return refuse('no_credentials', `${url.host} is refused: a URL must not carry credentials`);
  const host = normaliseHost(url.hostname);
  const port = portOf(url);
  if (isAllowListed(policy, host, port)) return null;
  const advice = `list "${url.host}" in the operator's OUTBOUND_ALLOW_HOSTS to allow it`;
  if (isIP(host.replace(/^\[|\]$/g, ''))) {
    const kind = nonPublicKind(host);
    if (kind) return refuse('public_address', `${url.host} is refused: it is a ${kind} address; ${advice}`);
  }
  if (!hosts.includes(host))
    return refuse(
      'allowed_host',
      `${url.host} is refused: only Microsoft's cloud hosts (${hosts.join(', ')}) may be called; ${advice}`,
    );
  if (port !== 443)
    return refuse(
      'allowed_port',
      `${url.host} is refused: Microsoft's hosts are called on port 443 only; ${advice}`,
    );
  return null;
}

function refuse(rule: OutboundRule, detail: string): OutboundRefusal {
  return { rule, message: `outbound rule ${rule}: ${detail}` };
}
