import { EntraError } from './errors';
import { classifyGraphFailure, type CallDescription } from './graph-failures';
import type { GraphHttp } from './graph-http';
import { userSelect } from './odata';
import { USER_READ_ALL } from './permissions';
import type { RetryWaitBudget } from './limits';
import { THROTTLE_STATUSES, parseRetryAfter, throttleDelayMs } from './retry-delay';
import type { GraphUser } from './types';

/** Graph's limit per $batch request. */
export const BATCH_LIMIT = 20;
/**
 * $batch requests in flight at once: departed members of a big group are read 320 at a time. Each
 * inner request still counts against Graph's per-app limits; a 429 is waited out per request.
 */
const BATCHES_IN_FLIGHT = 16;

interface InnerResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface BatchPolicy {
  maxThrottleRetries: number;
  maxRetryWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** the client's total Retry-After wait (limits.ts) */
  budget?: RetryWaitBudget;
}

const describe: CallDescription = { what: 'read users by id in a $batch', permissions: [USER_READ_ALL] };

/**
 * Users by id, 20 per $batch, up to 16 batches in flight. Inner 404s are null (deleted from the directory). Inner 429/503/504
 * are sent again in a later batch after the largest inner Retry-After, at most maxThrottleRetries
 * times; other inner failures are classified like top-level ones and thrown.
 */
export async function getUsersByIds(
  http: GraphHttp,
  ids: string[],
  select: string[],
  policy: BatchPolicy,
): Promise<Map<string, GraphUser | null>> {
  const result = new Map<string, GraphUser | null>();
  const unique = [...new Set(ids)];
  const query = `$select=${userSelect(select)}`;
  const slices: string[][] = [];
  for (let start = 0; start < unique.length; start += BATCH_LIMIT)
    slices.push(unique.slice(start, start + BATCH_LIMIT));

  const readSlice = async (slice: string[]) => {
    let pending = slice;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const requests = pending.map((id, i) => ({
        id: String(i),
        method: 'GET',
        url: `/users/${encodeURIComponent(id)}?${query}`,
      }));
      const { responses } = await http.json<{ responses: InnerResponse[] }>({
        pathOrUrl: '/$batch',
        method: 'POST',
        body: { requests },
        describe,
      });
      const retry: string[] = [];
      let retryAfterMs: number | null = null;
      for (const inner of responses) {
        const userId = pending[Number(inner.id)];
        if (userId === undefined) continue;
        const headers = new Headers(inner.headers ?? {});
        if (inner.status >= 200 && inner.status < 300) result.set(userId, inner.body as GraphUser);
        else if (inner.status === 404) result.set(userId, null);
        else if (THROTTLE_STATUSES.has(inner.status)) {
          retry.push(userId);
          const wait = parseRetryAfter(headers.get('retry-after'));
          if (wait !== null) retryAfterMs = Math.max(retryAfterMs ?? 0, wait);
        } else throw classifyGraphFailure(inner.status, inner.body, headers, describe, attempt + 1);
      }
      if (retry.length > 0) {
        const wait = throttleDelayMs(retryAfterMs, attempt);
        if (attempt >= policy.maxThrottleRetries || wait > policy.maxRetryWaitMs) {
          throw new EntraError(
            'throttled',
            `Microsoft Graph kept throttling ${retry.length} user reads in a $batch (${attempt + 1} attempts); the call will be retried later.`,
            {
              status: 429,
              retryAfterMs: retryAfterMs ?? undefined,
            },
          );
        }
        policy.budget?.spend(wait);
        await (policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))))(
          wait,
        );
      }
      pending = retry;
    }
  };
  // Each lane takes the next slice when its batch is done; the first failure ends the read.
  let next = 0;
  let failed = false;
  const lane = async () => {
    try {
      while (!failed && next < slices.length) await readSlice(slices[next++]!);
    } catch (err) {
      failed = true;
      throw err;
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, slices.length) }, lane));
  return result;
}
