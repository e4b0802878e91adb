import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { finished, type Readable } from 'node:stream';
import zlib from 'node:zlib';

/** The fetch signature the Graph client and MSAL's network module call. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * fetch over node:https with a given agent, so every connection goes through its checks (the
 * global fetch has its own pool that an https.Agent cannot guard). Redirects are not followed:
 * a redirect could point anywhere, so it reaches the caller as the 3xx it is.
 */
export function fetchThroughAgent(agent: https.Agent): FetchLike {
  return async (input, init = {}) => {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : String(input));
    if (url.protocol !== 'https:') throw new TypeError(`fetch failed: ${url.protocol} is not https`);
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers ?? request?.headers);
    const body = await bodyBytes(init.body ?? (request?.body ? await request.arrayBuffer() : null));
    if (body) headers.set('content-length', String(body.length));
    // as fetch does; the answer is decoded below, and callers cap the decoded bytes
    if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate, br');
    const signal = init.signal ?? request?.signal ?? undefined;
    signal?.throwIfAborted();

    return new Promise<Response>((resolve, reject) => {
      const req = https.request(url, { method, agent, headers: Object.fromEntries(headers) });
      // One listener for the request and its answer, removed once either ends: a caller's signal
      // may outlive the answer by far (Node keeps an AbortSignal.timeout alive, listeners and all,
      // until it fires), and a listener left on it keeps the request and answer reachable.
      let res: IncomingMessage | null = null;
      const onAbort = () => (res ?? req).destroy(signal!.reason as Error);
      const release = () => signal?.removeEventListener('abort', onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        release();
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err }));
      });
      req.on('response', (answer) => {
        res = answer;
        answer.on('close', release);
        resolve(toResponse(answer, method));
      });
      req.end(body ?? undefined);
    });
  };
}

function toResponse(res: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    try {
      headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
    } catch {
      // a header value fetch would refuse: leave it out rather than fail the response
    }
  }
  const status = res.statusCode ?? 502;
  if (NULL_BODY_STATUSES.has(status) || method === 'HEAD') {
    res.resume();
    return new Response(null, { status, statusText: res.statusMessage, headers });
  }
  const stream = decoded(res, headers.get('content-encoding'));
  if (stream !== res) {
    headers.delete('content-encoding');
    headers.delete('content-length');
  }
  return new Response(webStreamOf(stream), {
    status,
    statusText: res.statusMessage,
    headers,
  });
}

/**
 * The answer's bytes as a web stream, each chunk passed on as it arrived. Readable.toWeb copies
 * every chunk, and a $batch of photos is most of a megabyte: its bytes were allocated once more
 * for nothing, and V8 counts buffer bytes towards its next collection.
 */
function webStreamOf(source: Readable): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.on('data', (chunk: Buffer) => {
          if (settled) return; // a chunk already read when the reader cancelled
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        source.pause();
        finished(source, (err) => {
          if (settled) return;
          settled = true;
          if (err) controller.error(err);
          else controller.close();
        });
      },
      pull() {
        source.resume();
      },
      cancel(reason) {
        settled = true;
        source.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  );
}

function decoded(res: IncomingMessage, encoding: string | null): Readable {
  const pipe = (decoder: NodeJS.ReadWriteStream) => {
    res.on('error', (err) => (decoder as unknown as Readable).destroy(err));
    return res.pipe(decoder) as unknown as Readable;
  };
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return pipe(zlib.createGunzip());
    case 'deflate':
      return pipe(zlib.createInflate());
    case 'br':
      return pipe(zlib.createBrotliDecompress());
    default:
      return res;
  }
}

async function bodyBytes(body: RequestInit['body'] | ArrayBuffer): Promise<Buffer | null> {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  throw new TypeError('fetch failed: this request body type is not supported by the guarded fetch');
}
