import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; undefined when empty, and a SyntaxError bubbles up for the caller to answer 400. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  return raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
}

/** A response ready to write: the body serialized and the length and content type set. */
export interface PreparedResponse {
  status: number;
  headers: Record<string, string | number>;
  payload: string | Buffer;
}

export function prepare(status: number, headers: Record<string, string>, body: unknown): PreparedResponse {
  const payload =
    body === undefined
      ? ''
      : Buffer.isBuffer(body)
        ? body
        : typeof body === 'string'
          ? body
          : Buffer.from(JSON.stringify(body));
  const allHeaders: Record<string, string | number> = {
    ...headers,
    'Content-Length': Buffer.byteLength(payload),
  };
  if (
    body !== undefined &&
    !Buffer.isBuffer(body) &&
    !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
  ) {
    allHeaders['Content-Type'] = 'application/json';
  }
  return { status, headers: allHeaders, payload };
}

/** Bytes of a body sent ahead of the rest: the start of a collection, with its next link. */
const FIRST_PART = 16 * 1024;

/**
 * Writes the response the way a server streams it: the head and the first part of a large body
 * at once, the rest on the next turn. Ending with a whole member page (most of a megabyte)
 * encrypted it all before the first byte left, which added to every page's latency.
 */
export function write(res: ServerResponse, prepared: PreparedResponse): void {
  res.writeHead(prepared.status, prepared.headers);
  const { payload } = prepared;
  if (!Buffer.isBuffer(payload) || payload.length <= FIRST_PART) {
    res.end(payload);
    return;
  }
  res.write(payload.subarray(0, FIRST_PART));
  setImmediate(() => res.end(payload.subarray(FIRST_PART)));
}

export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  write(res, prepare(status, headers, body));
}

export function headerMap(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
