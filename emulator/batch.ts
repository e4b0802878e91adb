import type { GraphRequestContext } from './graph-context';
import { parseGraphUrl } from './graph-url';
import {
  GraphFailure,
  JSON_CONTENT_TYPE,
  badRequest,
  odataError,
  type GraphResponse,
} from './graph-response';
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
    return { id: item.id, status: result.status, headers: result.headers, body: result.body };
  });
  return { status: 200, headers: { 'Content-Type': JSON_CONTENT_TYPE }, body: serializeAnswer(responses) };
}

/**
 * The answer's JSON, written out piece by piece: a binary body goes in as its base64 characters,
 * which need no escaping, rather than through JSON.stringify as a string of most of a megabyte.
 */
function serializeAnswer(responses: Array<GraphResponse & { id: string }>): Buffer {
  const pieces: Buffer[] = [Buffer.from('{"responses":[')];
  responses.forEach(({ id, status, headers, body }, i) => {
    const head = JSON.stringify({ id, status, headers });
    pieces.push(Buffer.from(`${i ? ',' : ''}${head.slice(0, -1)}`));
    if (body !== undefined) {
      const value = Buffer.isBuffer(body)
        ? Buffer.from(`"${body.toString('base64')}"`, 'latin1')
        : Buffer.from(JSON.stringify(body));
      pieces.push(Buffer.from(',"body":'), value);
    }
    pieces.push(Buffer.from('}'));
  });
  pieces.push(Buffer.from(']}'));
  return Buffer.concat(pieces);
}
