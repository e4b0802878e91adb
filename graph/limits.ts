import { EntraError } from './errors';

/**
 * Caps on what an untrusted or broken Graph can make the worker hold or wait for. Each one, when
 * passed, fails the call with `graph_limit_exceeded` (not retried) and a message naming its
 * setting, so the run ends `failed` saying which cap it hit.
 */
export interface GraphLimits {
  /** one JSON answer (a page, a $batch, an object) — GRAPH_MAX_PAGE_BYTES */
  maxPageBytes: number;
  /** one profile photo — GRAPH_MAX_PHOTO_BYTES */
  maxPhotoBytes: number;
  /** one sign-in answer: instance discovery, the OpenID document, a token — GRAPH_MAX_DISCOVERY_BYTES */
  maxDiscoveryBytes: number;
  /** pages of one listing (members, a delta round) — GRAPH_MAX_PAGES */
  maxPages: number;
  /** Retry-After waits summed over one client's calls (one activity attempt) — GRAPH_MAX_RETRY_WAIT_SECONDS */
  maxTotalRetryWaitMs: number;
}

export const DEFAULT_GRAPH_LIMITS: GraphLimits = {
  maxPageBytes: 32 * 1024 * 1024,
  maxPhotoBytes: 4 * 1024 * 1024,
  maxDiscoveryBytes: 1024 * 1024,
  maxPages: 2000,
  maxTotalRetryWaitMs: 10 * 60 * 1000,
};

/** The environment variable that sets each cap, as messages name it. */
export const GRAPH_LIMIT_SETTINGS: Record<keyof GraphLimits, string> = {
  maxPageBytes: 'GRAPH_MAX_PAGE_BYTES',
  maxPhotoBytes: 'GRAPH_MAX_PHOTO_BYTES',
  maxDiscoveryBytes: 'GRAPH_MAX_DISCOVERY_BYTES',
  maxPages: 'GRAPH_MAX_PAGES',
  maxTotalRetryWaitMs: 'GRAPH_MAX_RETRY_WAIT_SECONDS',
};

export function limitExceeded(limit: keyof GraphLimits, detail: string): EntraError {
  return new EntraError(
    'graph_limit_exceeded',
    `${detail}: over the cap ${GRAPH_LIMIT_SETTINGS[limit]}. The run stops here; if the directory really is that large, the operator can raise ${GRAPH_LIMIT_SETTINGS[limit]}.`,
  );
}

/** The body as bytes, refusing (and dropping the connection) once it passes `max`. */
export async function readCappedBytes(
  response: Response,
  max: number,
  what: string,
  limit: keyof GraphLimits,
): Promise<Buffer> {
  const tooBig = () => limitExceeded(limit, `${what} is larger than ${max} bytes`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, total);
}

export async function readCappedText(
  response: Response,
  max: number,
  what: string,
  limit: keyof GraphLimits,
): Promise<string> {
  return (await readCappedBytes(response, max, what, limit)).toString('utf8');
}

/** Retry-After waits of one client, summed: past the cap the next wait fails the call instead. */
export interface RetryWaitBudget {
  /** records a wait about to be slept; throws graph_limit_exceeded when it would pass the cap */
  spend(ms: number): void;
  readonly spentMs: number;
}

export function retryWaitBudget(maxMs: number): RetryWaitBudget {
  let spent = 0;
  return {
    spend(ms) {
      if (spent + ms > maxMs)
        throw limitExceeded(
          'maxTotalRetryWaitMs',
          `Microsoft Graph asked this run to wait ${Math.round((spent + ms) / 1000)} s in all on Retry-After, more than ${Math.round(maxMs / 1000)} s`,
        );
      spent += ms;
    },
    get spentMs() {
      return spent;
    },
  };
}
