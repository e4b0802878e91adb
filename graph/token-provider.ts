import type { Outbound } from '../net/outbound';
import { MICROSOFT_AUTHORITY_HOSTS } from '../net/outbound-policy';
import { EntraError } from './errors';
import { readCappedText, type GraphLimits } from './limits';
import { authorityUrl, confidentialClientFor, trimSlash } from './msal-app-cache';
import { classifyMsalError, safeHost, unknownTenant } from './msal-errors';
import { classifyTransportFailure } from './network-errors';
import type { EntraConnection } from './types';

export interface TokenProvider {
  /** an app-only Graph token from MSAL's cache, or a fresh one near expiry (or when forced) */
  getToken(opts?: { forceRefresh?: boolean }): Promise<string>;
}

/** A token is used until this long before it expires, then MSAL is asked again. */
const REUSE_UNTIL_MS = 5 * 60_000;

/**
 * Client-credentials tokens for `{graphBaseUrl}/.default`, via MSAL, with failures classified. The
 * last token is kept and handed out until near its expiry: MSAL's cache lookup builds its
 * authority on every call, which costs more than a $batch request's own work on our side.
 */
export function createTokenProvider(
  conn: EntraConnection,
  outbound: Outbound,
  limits: Pick<GraphLimits, 'maxDiscoveryBytes'>,
): TokenProvider {
  const scopes = [`${trimSlash(conn.graphBaseUrl)}/.default`];
  let kept: { token: string; expiresAt: number } | null = null;
  return {
    async getToken(opts = {}) {
      if (kept && !opts.forceRefresh && kept.expiresAt - Date.now() > REUSE_UNTIL_MS) return kept.token;
      let result;
      try {
        result = await confidentialClientFor(conn, outbound, limits).acquireTokenByClientCredential({
          scopes,
          skipCache: opts.forceRefresh === true,
        });
      } catch (err) {
        const classified = classifyMsalError(err, conn);
        if (classified.code === 'outbound_refused' || classified.code === 'graph_limit_exceeded')
          throw classified;
        if (
          classified.graphCode === 'openid_config_error' ||
          classified.graphCode === 'endpoints_resolution_error'
        ) {
          throw await explainDiscoveryFailure(conn, classified, outbound, limits);
        }
        throw classified;
      }
      if (!result?.accessToken)
        throw new EntraError(
          'invalid_credentials',
          `Entra ID returned no access token for app ${conn.clientId}.`,
        );
      kept = result.expiresOn ? { token: result.accessToken, expiresAt: result.expiresOn.getTime() } : null;
      return result.accessToken;
    },
  };
}

/**
 * MSAL reports a failed OpenID discovery without saying why. Fetch the document ourselves: an
 * AADSTS90002 body means the tenant does not exist; a transport error is retryable; a 5xx too.
 */
async function explainDiscoveryFailure(
  conn: EntraConnection,
  fallback: EntraError,
  outbound: Outbound,
  limits: Pick<GraphLimits, 'maxDiscoveryBytes'>,
): Promise<EntraError> {
  const url = `${authorityUrl(conn)}/v2.0/.well-known/openid-configuration`;
  let response: Response;
  let text: string;
  try {
    response = await outbound.fetch(url, { signal: AbortSignal.timeout(15_000) }, MICROSOFT_AUTHORITY_HOSTS);
    text = await readCappedText(
      response,
      limits.maxDiscoveryBytes,
      `the OpenID document of ${safeHost(conn.authorityHost)}`,
      'maxDiscoveryBytes',
    );
  } catch (err) {
    if (err instanceof EntraError) return err;
    return classifyTransportFailure(safeHost(conn.authorityHost), err, 'Entra ID sign-in');
  }
  const body = parseJson(text) as { error_codes?: number[] } | null;
  if (body?.error_codes?.includes(90002) || body?.error_codes?.includes(900023))
    return unknownTenant(conn, { cause: fallback });
  if (response.status >= 500) {
    return new EntraError(
      'graph_unavailable',
      `Entra ID sign-in at ${safeHost(conn.authorityHost)} is unavailable (HTTP ${response.status}).`,
      { status: response.status, cause: fallback },
    );
  }
  if (!response.ok) {
    return new EntraError(
      'bad_request',
      `${url} answered HTTP ${response.status}: check the connection's authority host and tenant id.`,
      { status: response.status, cause: fallback },
    );
  }
  return fallback;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
