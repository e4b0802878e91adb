import { EntraError } from './errors';
import { classifyGraphFailure, type CallDescription } from './graph-failures';
import type { GraphHttp } from './graph-http';
import type { RetryWaitBudget } from './limits';
import { THROTTLE_STATUSES, parseRetryAfter, throttleDelayMs } from './retry-delay';

/** Graph's limit per $batch request. */
export const BATCH_LIMIT = 20;
/** $batch requests one client has in flight at once, whatever reads share it. */
export const BATCHES_IN_FLIGHT = 16;

/** One inner answer of a $batch response. Binary bodies (a photo's $value) arrive base64-encoded. */
export interface InnerResponse {
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
  /** shared by every batched read of one client, so they hold BATCHES_IN_FLIGHT together */
  gate?: BatchGate;
}

/** A counting semaphore for $batch requests in flight. */
export interface BatchGate {
  run<T>(send: () => Promise<T>): Promise<T>;
}

export function createBatchGate(size = BATCHES_IN_FLIGHT): BatchGate {
  let free = size;
  const waiting: Array<() => void> = [];
  return {
    async run(send) {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await send();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    },
  };
}

export interface BatchedRead<T> {
  /** the inner request's URL for one key, relative to /v1.0 */
  url(key: string): string;
  /** a 2xx inner answer's value; may throw (e.g. a cap passed) */
  accept(key: string, inner: InnerResponse, headers: Headers): T;
  describe: CallDescription;
  /** what the throttling error calls the keys, e.g. "user reads" */
  noun: string;
}

interface Pending {
  key: string;
  attempts: number;
  notBefore: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads keys in $batch requests of 20, at most BATCHES_IN_FLIGHT at once (per gate). Inner 404s are
 * null; an inner 429/503/504 puts its key back with a not-before time from its Retry-After, and the
 * lanes go on with other keys meanwhile, so one throttled answer does not stall a lane; a key is
 * never sent again before its time. Other inner failures are classified like top-level ones and
 * thrown; the first failure ends the read.
 */
export async function readInBatches<T>(
  http: GraphHttp,
  keys: string[],
  read: BatchedRead<T>,
  policy: BatchPolicy,
): Promise<Map<string, T | null>> {
  const result = new Map<string, T | null>();
  const queue: Pending[] = [...new Set(keys)].map((key) => ({ key, attempts: 0, notBefore: 0 }));
  const gate = policy.gate ?? createBatchGate();
  const sleep = policy.sleep ?? defaultSleep;
  let inFlight = 0;
  let sleeping = 0;
  let failed = false;

  /** Up to 20 keys whose time has come, oldest first; else how long until the next one is due. */
  const take = (): Pending[] | number | null => {
    if (!queue.length) return null;
    const now = Date.now();
    const due: Pending[] = [];
    let soonest = Infinity;
    for (let i = 0; i < queue.length && due.length < BATCH_LIMIT;) {
      if (queue[i]!.notBefore <= now) due.push(...queue.splice(i, 1));
      else {
        soonest = Math.min(soonest, queue[i]!.notBefore);
        i++;
      }
    }
    return due.length ? due : soonest - now;
  };

  const sendBatch = async (batch: Pending[]) => {
    const requests = batch.map((p, i) => ({ id: String(i), method: 'GET', url: read.url(p.key) }));
    const { responses } = await gate.run(() =>
      http.json<{ responses: InnerResponse[] }>({
        pathOrUrl: '/$batch',
        method: 'POST',
        body: { requests },
        describe: read.describe,
      }),
    );
    const answered = new Set<number>();
    for (const inner of responses) {
      const index = Number(inner.id);
      const pending = batch[index];
      if (pending === undefined || answered.has(index)) continue;
      answered.add(index);
      const headers = new Headers(inner.headers ?? {});
      if (inner.status >= 200 && inner.status < 300)
        result.set(pending.key, read.accept(pending.key, inner, headers));
      else if (inner.status === 404) result.set(pending.key, null);
      else if (THROTTLE_STATUSES.has(inner.status)) {
        const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
        const wait = throttleDelayMs(retryAfterMs, pending.attempts);
        if (pending.attempts >= policy.maxThrottleRetries || wait > policy.maxRetryWaitMs) {
          throw new EntraError(
            'throttled',
            `Microsoft Graph kept throttling ${read.noun} in a $batch (${pending.attempts + 1} attempts); the call will be retried later.`,
            { status: inner.status, retryAfterMs: retryAfterMs ?? undefined },
          );
        }
        queue.push({ key: pending.key, attempts: pending.attempts + 1, notBefore: Date.now() + wait });
      } else
        throw classifyGraphFailure(inner.status, inner.body, headers, read.describe, pending.attempts + 1);
    }
    // An answer that left a request out: ask again (Graph answers every id; this guards a broken one).
    batch.forEach((p, i) => {
      if (!answered.has(i)) queue.push({ ...p, attempts: p.attempts + 1 });
    });
  };

  const lane = async () => {
    while (!failed) {
      const next = take();
      if (next === null) {
        if (inFlight === 0) return;
        // keys in flight may come back throttled: look again shortly
        await sleep(20);
        continue;
      }
      if (typeof next === 'number') {
        // lanes wait out the same Retry-After side by side: the run waited it once
        if (sleeping === 0) policy.budget?.spend(next);
        sleeping++;
        try {
          await sleep(next);
        } finally {
          sleeping--;
        }
        continue;
      }
      inFlight++;
      try {
        await sendBatch(next);
      } finally {
        inFlight--;
      }
    }
  };
  const lanes = Math.min(BATCHES_IN_FLIGHT, Math.ceil(queue.length / BATCH_LIMIT));
  await Promise.all(
    Array.from({ length: lanes }, () =>
      lane().catch((err: unknown) => {
        failed = true;
        throw err;
      }),
    ),
  );
  return result;
}
