import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { RetryWaitBudget } from './limits';
import { THROTTLE_STATUSES, parseRetryAfter, throttleDelayMs } from './retry-delay';

/** Per-request carrier: the middleware chain records here what the SDK would otherwise wrap and hide. */
export class RequestOutcome implements MiddlewareOptions {
  /** the original error thrown inside the chain (MSAL, fetch), before the SDK turns it into a GraphError */
  error: unknown = undefined;
  /** HTTP attempts made, retries included */
  attempts = 0;
  /**
   * false: a 429/503/504 is handed to the caller at once instead of being waited out here (a
   * $batch reader sends the keys again in a later batch and keeps its lane busy meanwhile)
   */
  retryThrottled = true;
}

abstract class ChainLink implements Middleware {
  protected next?: Middleware;
  setNext(next: Middleware): void {
    this.next = next;
  }
  abstract execute(context: Context): Promise<void>;
}

function outcomeOf(context: Context): RequestOutcome | undefined {
  return context.middlewareControl?.getMiddlewareOptions(RequestOutcome) as RequestOutcome | undefined;
}

/** First in the chain: keeps the original error of a failed request for classification. */
export class ErrorCaptureHandler extends ChainLink {
  async execute(context: Context): Promise<void> {
    try {
      await this.next!.execute(context);
    } catch (err) {
      const outcome = outcomeOf(context);
      if (outcome) outcome.error = err;
      throw err;
    }
  }
}

export interface ThrottlePolicy {
  maxRetries: number;
  maxRetryWaitMs: number;
  onRequest?: (info: { path: string; status: number; throttled: boolean }) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** the client's total Retry-After wait (limits.ts) */
  budget?: RetryWaitBudget;
}

/** Graph paths with ids and casts replaced by placeholders: a low-cardinality metrics label. */
export function templatePath(url: string): string {
  const path = new URL(url).pathname;
  return path.replace(/\/(users|groups)\/(?!delta\b|microsoft\.graph\.delta)[^/]+/g, '/$1/{id}');
}

/**
 * The only retry layer for throttling: 429/503/504 wait at least Retry-After (else exponential
 * backoff with jitter), at most `maxRetries` times. The SDK's RetryHandler is not in the chain, so
 * nothing retries twice over; everything else surfaces to the caller (and Temporal's retry policy).
 */
export class ThrottleRetryHandler extends ChainLink {
  constructor(private readonly policy: ThrottlePolicy) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const sleep =
      this.policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 0; ; attempt++) {
      await this.next!.execute(context);
      const response = context.response!;
      const outcome = outcomeOf(context);
      if (outcome) outcome.attempts++;
      this.policy.onRequest?.({
        path: templatePath(url),
        status: response.status,
        throttled: response.status === 429,
      });
      if (!THROTTLE_STATUSES.has(response.status) || attempt >= this.policy.maxRetries) return;
      if (outcome?.retryThrottled === false) return;
      const wait = throttleDelayMs(
        parseRetryAfter(response.headers.get('retry-after')),
        attempt,
        this.policy.random,
      );
      if (wait > this.policy.maxRetryWaitMs) return;
      await response.body?.cancel().catch(() => undefined);
      this.policy.budget?.spend(wait);
      await sleep(wait);
    }
  }
}

/** Last in the chain: fetch with a timeout per attempt (a hung socket must not hang an activity). */
export class FetchHandler implements Middleware {
  constructor(
    private readonly timeoutMs: number,
    private readonly fetch: (input: string | Request, init: RequestInit) => Promise<Response>,
  ) {}

  async execute(context: Context): Promise<void> {
    context.response = await this.fetch(context.request, {
      ...(context.options as RequestInit),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }
}
