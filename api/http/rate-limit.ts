/** Tokens per client: `capacity` requests in a burst, refilled at `refillPerSecond`. */
export interface RateLimitOptions {
  capacity: number;
  refillPerSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Per workspace: a client paging 100,000 recipients at 200 a page is not held back. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { capacity: 200, refillPerSecond: 100 };

/**
 * An in-memory token bucket per key (a workspace, a client address). Per process: with several API replicas each enforces its
 * own share, which is enough to stop one runaway script without a shared store.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; when none is left, says how many seconds until one is. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.refill(this.buckets.get(key), now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      this.sweep(now);
      return { allowed: true };
    }
    this.buckets.set(key, bucket);
    return { allowed: false, retryAfterSeconds: this.retryAfter(bucket) };
  }

  /** Says whether a token is left, without taking it. */
  peek(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const bucket = this.refill(this.buckets.get(key), this.now());
    if (bucket.tokens >= 1) return { allowed: true };
    return { allowed: false, retryAfterSeconds: this.retryAfter(bucket) };
  }

  private retryAfter(bucket: Bucket): number {
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.opts.refillPerSecond));
  }

  private refill(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.opts.capacity, at: now };
    const tokens = Math.min(
      this.opts.capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * this.opts.refillPerSecond,
    );
    return { tokens, at: now };
  }

  /** Full buckets carry no state worth keeping; drop them so idle clients do not pile up. */
  private sweep(now: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [key, bucket] of this.buckets) {
      if (this.refill(bucket, now).tokens >= this.opts.capacity) this.buckets.delete(key);
    }
  }
}
