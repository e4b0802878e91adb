import type { GraphRequestContext } from './graph-context';
import { parseGraphUrl } from './graph-url';
import { GraphFailure, badRequest, ok, odataError, type GraphResponse } from './graph-response';
import { dispatchGraph, matchGraphRoute, type GraphRoute } from './graph-router';
import { countRequest } from './counters';

export const MAX_BATCH_REQUESTS = 20;

interface BatchRequestItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
}

function validate(body: unknown): BatchRequestItem[] {
  const requests = (body as { requests?: unknown })?.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw badRequest('Invalid batch payload format.');
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw new GraphFailure(
      400,
      'BadRequest',
      `Batch request contains ${requests.length} requests; the limit is ${MAX_BATCH_REQUESTS}.`,
    );
  }
  const ids = new Set<string>();
  for (const item of requests as BatchRequestItem[]) {
    if (
      !item ||
      typeof item.id !== 'string' ||
      typeof item.url !== 'string' ||
      typeof item.method !== 'string'
    ) {
      throw badRequest('Each batch request needs an id, a method and a url.');
    }
    if (ids.has(item.id)) throw badRequest(`Duplicate request id '${item.id}' in batch.`);
    ids.add(item.id);
  }
  return requests as BatchRequestItem[];
}

/** Lets the server apply the same faults (429 with Retry-After, 503) to inner requests as to top-level ones. */
export type InnerFaults = (requestKey: string) => GraphResponse | null;

/**
 * POST /v1.0/$batch: at most 20 requests; each inner response carries its own status, headers and
 * body (binary bodies base64-encoded, as Graph does), inner 429s their own Retry-After.
 */
export function handleBatch(outer: GraphRequestContext, faultFor: InnerFaults): GraphResponse {
  let items: BatchRequestItem[];
  try {
    items = validate(outer.body);
  } catch (err) {
    if (err instanceof GraphFailure) return odataError(err.status, err.code, err.message);
    throw err;
  }
  const responses = items.map((item) => {
    const { rawPath, segments, query } = parseGraphUrl(outer.baseUrl, item.url);
    const route: GraphRoute | null = matchGraphRoute(segments);
    countRequest(outer.tenant.counters, route?.kind ?? 'unknown');
    const headers = Object.fromEntries(
      Object.entries(item.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const ctx: GraphRequestContext = {
      ...outer,
      method: item.method.toUpperCase(),
      segments,
      rawPath,
      query,
      headers,
      body: undefined,
    };
    const result = faultFor(`batch ${item.method.toUpperCase()} ${item.url}`) ?? dispatchGraph(ctx, route);
    const body = Buffer.isBuffer(result.body) ? result.body.toString('base64') : result.body;
    return { id: item.id, status: result.status, headers: result.headers, body };
  });
  return ok({ responses });
}
