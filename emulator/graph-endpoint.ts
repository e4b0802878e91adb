import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessTokens } from './access-tokens';
import { isGraphAudience } from './auth-endpoints';
import { handleBatch } from './batch';
import { parseGraphUrl } from './graph-url';
import { countRequest, pickLoggedHeaders } from './counters';
import type { GraphRequestContext } from './graph-context';
import { odataError, type GraphResponse } from './graph-response';
import { dispatchGraph, matchGraphRoute } from './graph-router';
import { headerMap, prepare, readJson, send, sleep, write } from './http-io';
import type { TenantRegistry } from './tenant-registry';
import { logRequest, type TenantState } from './tenant-state';

export interface GraphEndpointDeps {
  registry: TenantRegistry;
  tokens: AccessTokens;
}

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

function unauthorized(message: string): GraphResponse {
  return odataError(401, 'InvalidAuthenticationToken', message, { 'WWW-Authenticate': WWW_AUTHENTICATE });
}

/** The tenant and roles of a request's bearer token, or the 401 Graph would give. */
function authenticate(
  req: IncomingMessage,
  deps: GraphEndpointDeps,
): { tenant: TenantState; roles: string[] } | GraphResponse {
  const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return unauthorized('Access token is empty.');
  const claims = deps.tokens.verify(match[1].trim());
  if (typeof claims === 'string') return unauthorized(`Access token validation failure. ${claims}`);
  if (!isGraphAudience(claims.aud, req))
    return unauthorized('Access token validation failure. Invalid audience.');
  const tenant = deps.registry.get(claims.tid);
  if (!tenant || !tenant.apps.has(claims.appid))
    return unauthorized('Access token validation failure. The tenant or app no longer exists.');
  return { tenant, roles: claims.roles ?? [] };
}

/** Answers 429/503 (with Retry-After) per the tenant's faults and counts retries that came too early. */
function faultResponse(tenant: TenantState, requestKey: string, arrivedAt: number): GraphResponse | null {
  if (tenant.faultInjector.isEarlyRetry(requestKey, arrivedAt)) tenant.counters.earlyRetries++;
  const decision = tenant.faultInjector.decide(tenant.faults);
  if (!decision) return null;
  tenant.faultInjector.rememberRetryAfter(requestKey, Date.now(), decision.retryAfterSeconds);
  const headers = { 'Retry-After': String(decision.retryAfterSeconds) };
  if (decision.kind === 'throttle') {
    tenant.counters.throttled++;
    return odataError(
      429,
      'TooManyRequests',
      'Too many requests. Please retry after the time in the Retry-After header.',
      headers,
    );
  }
  tenant.counters.unavailable++;
  return odataError(
    503,
    'serviceNotAvailable',
    'The service is temporarily unavailable. Please retry later.',
    headers,
  );
}

/**
 * Everything under /v1.0: authentication, per-tenant latency (no answer sooner than that after the
 * request arrived) and faults, routing, counting, logging.
 */
export async function serveGraph(
  req: IncomingMessage,
  res: ServerResponse,
  deps: GraphEndpointDeps,
): Promise<void> {
  const arrivedAt = Date.now();
  const baseUrl = `https://${req.headers.host}`;
  const headers = headerMap(req);
  const clientRequestId = headers['client-request-id'];
  const echo: Record<string, string> = clientRequestId ? { 'client-request-id': clientRequestId } : {};
  let body: unknown;
  try {
    body = req.method === 'POST' ? await readJson(req) : undefined;
  } catch {
    const failure = odataError(400, 'BadRequest', 'The request body is not valid JSON.');
    return send(res, failure.status, { ...failure.headers, ...echo }, failure.body);
  }
  const auth = authenticate(req, deps);
  if ('status' in auth) return send(res, auth.status, { ...auth.headers, ...echo }, auth.body);
  const { tenant, roles } = auth;

  const { rawPath, segments, query } = parseGraphUrl(baseUrl, `${baseUrl}${req.url ?? '/'}`);
  const isBatch = segments.length === 1 && segments[0] === '$batch';
  const route = isBatch ? null : matchGraphRoute(segments);
  const kind = isBatch ? 'batch' : (route?.kind ?? 'unknown');
  countRequest(tenant.counters, kind);
  if (headers['x-ms-throttle-priority']?.toLowerCase() === 'low') tenant.counters.lowPriority++;

  const bodyHash = body === undefined ? '' : createHash('sha1').update(JSON.stringify(body)).digest('hex');
  const ctx: GraphRequestContext = {
    tenant,
    method: req.method ?? 'GET',
    segments,
    rawPath,
    query,
    headers,
    body,
    baseUrl,
    roles,
  };
  const result =
    faultResponse(tenant, `${req.method} ${req.url} ${bodyHash}`, arrivedAt) ??
    (isBatch
      ? req.method === 'POST'
        ? handleBatch(ctx, (key) => faultResponse(tenant, key, arrivedAt))
        : odataError(405, 'BadRequest', '$batch takes POST.')
      : dispatchGraph(ctx, route));
  logRequest(tenant, {
    at: new Date(arrivedAt).toISOString(),
    method: req.method ?? 'GET',
    url: req.url ?? '',
    kind,
    status: result.status,
    headers: pickLoggedHeaders(req.headers),
  });
  const answer = prepare(result.status, { ...result.headers, ...echo }, result.body);
  // The latency is what a client waits from sending to the answer, Graph's own work included: the
  // emulator works inside that window instead of adding its time on top.
  const wait = arrivedAt + tenant.faults.latencyMs - Date.now();
  if (wait > 0) await sleep(wait);
  write(res, answer);
}
