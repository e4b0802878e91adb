import { findOutboundRefusal } from '../net/outbound-refused';
import { EntraError } from './errors';

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const TLS_MESSAGE =
  /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer|certificate has expired/i;

/** The error and its `cause` chain (fetch and MSAL both wrap the socket error). */
function* causeChain(err: unknown): Generator<unknown> {
  for (let current = err, depth = 0; current && depth < 6; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

export function isTlsTrustFailure(err: unknown): boolean {
  for (const e of causeChain(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TLS_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message ?? (e as { errorMessage?: unknown }).errorMessage;
    if (typeof message === 'string' && TLS_MESSAGE.test(message)) return true;
  }
  return false;
}

export function tlsUntrusted(host: string, cause: unknown): EntraError {
  return new EntraError(
    'tls_untrusted',
    `The TLS certificate of ${host} is not trusted by this process. For the Graph emulator, start the process with ` +
      'NODE_EXTRA_CA_CERTS=<emulator data dir>/ca.pem (npm run emulator prints the path); Node reads it only at start-up.',
    { cause },
  );
}

/** A failure below HTTP (DNS, refused connection, timeout, TLS) talking to `host`. */
export function classifyTransportFailure(host: string, err: unknown, what = 'Microsoft Graph'): EntraError {
  const refusal = findOutboundRefusal(err);
  if (refusal) return outboundRefused(what, refusal);
  if (isTlsTrustFailure(err)) return tlsUntrusted(host, err);
  const timeout = [...causeChain(err)].some((e) => (e as { name?: string }).name === 'TimeoutError');
  const detail = timeout ? 'did not answer in time' : `could not be reached (${describe(err)})`;
  return new EntraError('network', `${what} at ${host} ${detail}; the call will be retried.`, { cause: err });
}

function describe(err: unknown): string {
  const parts: string[] = [];
  for (const e of causeChain(err)) {
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    if (typeof code === 'string') parts.push(code);
    else if (typeof message === 'string' && message) parts.push(message);
  }
  return [...new Set(parts)].slice(0, 3).join(': ') || 'unknown error';
}

/** No connection was made: the operator's outbound policy refused the host (a retry cannot help). */
export function outboundRefused(what: string, refusal: { message: string; rule: string }): EntraError {
  return new EntraError(
    'outbound_refused',
    `${what} was not called: ${refusal.message}. Point the connection at Microsoft's cloud, or have the operator allow the host.`,
    { graphCode: refusal.rule, cause: refusal },
  );
}
