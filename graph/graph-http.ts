import {
  AuthenticationHandler,
  AuthenticationHandlerOptions,
  Client,
  ResponseType,
  TelemetryHandler,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import type { Outbound } from '../net/outbound';
import { MICROSOFT_GRAPH_HOSTS } from '../net/outbound-policy';
import { EntraError } from './errors';
import { classifyGraphFailure, type CallDescription } from './graph-failures';
import { ErrorCaptureHandler, FetchHandler, RequestOutcome, ThrottleRetryHandler } from './graph-middleware';
import { parseBatchAnswer, type InnerResponse } from './batch-answer';
import { readCappedBytes, retryWaitBudget, type GraphLimits, type RetryWaitBudget } from './limits';
import { trimSlash } from './msal-app-cache';
import { safeHost } from './msal-errors';
import { classifyTransportFailure } from './network-errors';
import type { TokenProvider } from './token-provider';
import type { EntraClientOptions, EntraConnection } from './types';

export interface GraphCall {
  /** a path under /v1.0 ("/groups/x") or an absolute @odata.nextLink / deltaLink, used as-is */
  pathOrUrl: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  describe: CallDescription;
  /** false: a throttled answer is thrown at once (EntraError with its retryAfterMs), not waited out */
  retryThrottled?: boolean;
}

export interface GraphHttp {
  /** the raw 2xx response; any other outcome is thrown as an EntraError */
  send(call: GraphCall): Promise<Response>;
  /** the body parsed, read up to the page cap (GRAPH_MAX_PAGE_BYTES) */
  json<T>(call: GraphCall): Promise<T>;
  /** a $batch answer, read up to the page cap, its long string bodies left unparsed (batch-answer.ts) */
  batch(call: GraphCall): Promise<{ responses: InnerResponse[] }>;
  readonly limits: GraphLimits;
}

const GRAPH_HOSTS: ReadonlySet<string> = new Set(MICROSOFT_GRAPH_HOSTS);

/**
 * Graph over the official JS client with our own middleware chain: capture errors → bearer token
 * (MSAL) → throttling retries → telemetry (client-request-id) → fetch with timeout. No RetryHandler.
 */
export function createGraphHttp(
  conn: EntraConnection,
  tokens: TokenProvider,
  outbound: Outbound,
  limits: GraphLimits,
  opts: EntraClientOptions = {},
  budget: RetryWaitBudget = retryWaitBudget(limits.maxTotalRetryWaitMs),
): GraphHttp {
  const base = new URL(trimSlash(conn.graphBaseUrl));
  const client = Client.initWithMiddleware({
    baseUrl: base.origin,
    defaultVersion: 'v1.0',
    // the SDK attaches the bearer token only to hosts it knows: the emulator's hostname must be listed
    customHosts: GRAPH_HOSTS.has(base.hostname) ? undefined : new Set([base.hostname]),
    middleware: [
      new ErrorCaptureHandler(),
      new AuthenticationHandler({ getAccessToken: () => tokens.getToken() }),
      new ThrottleRetryHandler({
        maxRetries: opts.maxThrottleRetries ?? 5,
        maxRetryWaitMs: opts.maxRetryWaitMs ?? 60_000,
        onRequest: opts.onRequest,
        budget,
      }),
      new TelemetryHandler(),
      // Graph hosts only (or the operator's allow-list), through the guarded agent
      new FetchHandler(opts.requestTimeoutMs ?? 60_000, (input, init) =>
        outbound.fetch(input, init, MICROSOFT_GRAPH_HOSTS),
      ),
    ],
  });
  const host = safeHost(conn.graphBaseUrl);

  const send = async (call: GraphCall, refreshedToken = false): Promise<Response> => {
    if (/^https?:\/\//i.test(call.pathOrUrl) && new URL(call.pathOrUrl).origin !== base.origin) {
      throw new EntraError(
        'bad_request',
        `Refusing to follow a link to ${new URL(call.pathOrUrl).origin}: it is not the connection's Graph host ${base.origin}.`,
      );
    }
    const outcome = new RequestOutcome();
    if (call.retryThrottled === false) outcome.retryThrottled = false;
    const middlewareOptions: MiddlewareOptions[] = [outcome];
    if (refreshedToken) {
      middlewareOptions.push(
        new AuthenticationHandlerOptions({ getAccessToken: () => tokens.getToken({ forceRefresh: true }) }),
      );
    }
    const headers: Record<string, string> = { ...call.headers };
    if (opts.background) headers['x-ms-throttle-priority'] = 'low';
    const request = client
      .api(call.pathOrUrl)
      .responseType(ResponseType.RAW)
      .middlewareOptions(middlewareOptions)
      .headers(headers);
    let response: Response;
    try {
      response = call.method === 'POST' ? await request.post(call.body) : await request.get();
    } catch (err) {
      const original = outcome.error ?? err;
      throw original instanceof EntraError ? original : classifyTransportFailure(host, original);
    }
    if (response.status === 401 && !refreshedToken) {
      // a cached token can outlive its acceptance (e.g. an emulator restart): one retry with a fresh one
      await response.body?.cancel().catch(() => undefined);
      return send(call, true);
    }
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw classifyGraphFailure(response.status, body, response.headers, call.describe, outcome.attempts);
    }
    return response;
  };

  /** the 2xx answer's bytes, up to the page cap */
  const answerBytes = async (call: GraphCall): Promise<Buffer> =>
    readCappedBytes(
      await send(call),
      limits.maxPageBytes,
      `Graph's answer to "${call.describe.what}"`,
      'maxPageBytes',
    );

  return {
    limits,
    send: (call) => send(call),
    json: async <T>(call: GraphCall) => JSON.parse((await answerBytes(call)).toString('utf8')) as T,
    batch: async (call) => parseBatchAnswer(await answerBytes(call)),
  };
}
