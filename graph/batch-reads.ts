import { LiftedBody, type InnerResponse } from './batch-answer';
import { EntraError, isEntraError } from './errors';
import { classifyGraphFailure, type CallDescription } from './graph-failures';
import type { GraphHttp } from './graph-http';
import { BATCHES_IN_FLIGHT, createBatchGate, type BatchGate } from './batch-gate';
import type { RetryWaitBudget } from './limits';
import { THROTTLE_STATUSES, parseRetryAfter, throttleDelayMs } from './retry-delay';

/** Graph's limit per $batch request. */
export const BATCH_LIMIT = 20;

export type { InnerResponse } from './batch-answer';

export interface BatchPolicy {
  maxThrottleRetries: number;
  maxRetryWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** the client's total Retry-After wait (limits.ts) */
  budget?: RetryWaitBudget;
  /** shared by every batched read of one client, so they hold BATCHES_IN_FLIGHT together */
  gate?: BatchGate;
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
  /**
   * throttled attempts in a row while no read of the client got an answer through: of the key's own inner
   * request, and of the $batch requests that carried it (as the middleware counts a call's retries)
   */
  attempts: { inner: number; outer: number };
  notBefore: number;
  /** the gate's answer count when this key was last sent */
  progressSeen: number;
}

/** A whole $batch answered 429 or 503/504 (the inner requests were not run). */
function isThrottled(err: unknown): err is EntraError {
  return (
    isEntraError(err) &&
    (err.code === 'throttled' || err.code === 'graph_unavailable') &&
    err.status !== undefined &&
    THROTTLE_STATUSES.has(err.status)
  );
}

/** How long a batch of retried keys may wait past its first key's time for others to come due. */
const COALESCE_MS = 200;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads keys in $batch requests of 20, at most BATCHES_IN_FLIGHT at once (per gate). Inner 404 answers are
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
  const queue: Pending[] = [...new Set(keys)].map((key) => ({
    key,
    attempts: { inner: 0, outer: 0 },
    notBefore: 0,
    progressSeen: 0,
  }));
  // A key's throttled attempts count towards giving up only while nothing else gets through, in this
  // read or any other of the client (the gate counts their answers): scattered throttling is waited
  // out, a Graph that throttles everything is given up on after maxThrottleRetries.
  const gate = policy.gate ?? createBatchGate();
  const sleep = policy.sleep ?? defaultSleep;
  let inFlight = 0;
  let sleeping = 0;
  let failed = false;
  // Lanes with nothing to send while batches are out wait for one of them to come back (its keys
  // may come back throttled) rather than poll: a throttled read keeps many chunks' lanes idle.
  let answered!: () => void;
  let nextAnswer = new Promise<void>((resolve) => (answered = resolve));
  const batchDone = () => {
    answered();
    nextAnswer = new Promise<void>((resolve) => (answered = resolve));
  };

  /**
   * Up to 20 keys whose time has come, oldest first; else how long until more are due. Keys put back
   * after throttling come due one answer at a time: a batch of them waits up to COALESCE_MS past the
   * first one's time for others, rather than holding one of the client's lanes for a handful.
   */
  const take = (): Pending[] | number | null => {
    if (!queue.length) return null;
    const now = Date.now();
    const due: number[] = [];
    let soonest = Infinity;
    let firstDue = Infinity;
    for (let i = 0; i < queue.length && due.length < BATCH_LIMIT; i++) {
      const at = queue[i]!.notBefore;
      if (at <= now) {
        due.push(i);
        firstDue = Math.min(firstDue, at);
      } else soonest = Math.min(soonest, at);
    }
    if (!due.length) return soonest - now;
    if (due.length < BATCH_LIMIT && soonest - now <= COALESCE_MS && now - firstDue < COALESCE_MS)
      return Math.max(1, Math.min(soonest - now, firstDue + COALESCE_MS - now));
    const taken = due.map((i) => queue[i]!);
    for (let k = due.length - 1; k >= 0; k--) queue.splice(due[k]!, 1);
    return taken;
  };

  /** Puts a throttled key back, due after its Retry-After; past the policy's limits, gives up. */
  const defer = (pending: Pending, retryAfterMs: number | null, outer: EntraError | null, status = 429) => {
    const counted = gate.answered > pending.progressSeen ? { inner: 0, outer: 0 } : pending.attempts;
    const attempts = outer ? counted.outer : counted.inner;
    const wait = throttleDelayMs(retryAfterMs, attempts);
    if (attempts >= policy.maxThrottleRetries || wait > policy.maxRetryWaitMs) {
      throw (
        outer ??
        new EntraError(
          'throttled',
          `Microsoft Graph kept throttling ${read.noun} in a $batch (${attempts + 1} attempts); the call will be retried later.`,
          { status, retryAfterMs: retryAfterMs ?? undefined },
        )
      );
    }
    const next = outer ? { ...counted, outer: attempts + 1 } : { ...counted, inner: attempts + 1 };
    queue.push({ ...pending, attempts: next, notBefore: Date.now() + wait });
  };

  const sendBatch = async (batch: Pending[]) => {
    for (const p of batch) p.progressSeen = gate.answered;
    const requests = batch.map((p, i) => ({ id: String(i), method: 'GET', url: read.url(p.key) }));
    let responses: InnerResponse[];
    try {
      ({ responses } = await gate.run(() =>
        http.batch({
          pathOrUrl: '/$batch',
          method: 'POST',
          body: { requests },
          describe: read.describe,
          // a throttled $batch gives its keys back to the queue instead of holding a lane while it waits
          retryThrottled: false,
        }),
      ));
    } catch (err) {
      if (!isThrottled(err)) throw err;
      for (const p of batch) defer(p, err.retryAfterMs ?? null, err);
      return;
    }
    const answered = new Set<number>();
    for (const inner of responses) {
      const index = Number(inner.id);
      const pending = batch[index];
      if (pending === undefined || answered.has(index)) continue;
      answered.add(index);
      const headers = new Headers(inner.headers ?? {});
      if (inner.status >= 200 && inner.status < 300) {
        result.set(pending.key, read.accept(pending.key, inner, headers));
        gate.answered++;
      } else if (inner.status === 404) {
        result.set(pending.key, null);
        gate.answered++;
      } else if (THROTTLE_STATUSES.has(inner.status))
        defer(pending, parseRetryAfter(headers.get('retry-after')), null, inner.status);
      else
        throw classifyGraphFailure(
          inner.status,
          inner.body instanceof LiftedBody ? inner.body.text() : inner.body,
          headers,
          read.describe,
          pending.attempts.inner + 1,
        );
    }
    // An answer that left a request out: ask again (Graph answers every id; this guards a broken one).
    batch.forEach((p, i) => {
      if (!answered.has(i)) defer(p, null, null, 502);
    });
  };

  const lane = async () => {
    while (!failed) {
      const next = take();
      if (next === null) {
        if (inFlight === 0) return;
        await nextAnswer;
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
        batchDone();
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
