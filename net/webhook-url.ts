import { isIP } from 'node:net';
import { nonPublicKind } from './ip-ranges';
import { isAllowListed, type OutboundPolicy, type OutboundRefusal } from './outbound-policy';

/** Names that never lead to the public internet. */
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|home\.arpa|localdomain)$/;

/**
 * Whether a webhook URL may be called: https, no credentials, and a public host (any port), unless
 * the operator allow-listed its host:port in OUTBOUND_ALLOW_HOSTS. Names are checked again where
 * they resolve, as each connection is made (guarded-agent.ts).
 */
export function checkWebhookUrl(raw: string, policy: OutboundPolicy): OutboundRefusal | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('https_only', `"${raw}" is not an absolute https URL`);
  }
  if (url.protocol !== 'https:')
    return refuse('https_only', `${url.origin} is refused: webhooks are sent over https only`);
  if (url.username || url.password)
    return refuse('no_credentials', `${url.host} is refused: a URL must not carry credentials`);
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (isAllowListed(policy, host, url.port ? Number(url.port) : 443)) return null;
  const advice = `list "${url.host}" in the operator's OUTBOUND_ALLOW_HOSTS to allow it`;
  const bare = host.replace(/^\[|\]$/g, '');
  const kind = isIP(bare) ? nonPublicKind(host) : LOCAL_NAMES.test(host) ? 'local' : null;
  if (kind) return refuse('public_address', `${url.host} is refused: it is a ${kind} address; ${advice}`);
  return null;
}

function refuse(rule: OutboundRefusal['rule'], detail: string): OutboundRefusal {
  return { rule, message: `outbound rule ${rule}: ${detail}` };
}
