import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, TokenBuckets } from '../../api/http/rate-limit';

describe('the default per-workspace rate limit', () => {
  it('when a client pages 100,000 recipients at 200 a page as fast as it is let, then it is done in seconds, not minutes', () => {
    let now = 0;
    const buckets = new TokenBuckets(DEFAULT_RATE_LIMIT, () => now);
    // A simulated clock: each answer takes ANSWER_MS; a refused request waits Retry-After, as a client should.
    const ANSWER_MS = 5;
    for (let page = 0; page < 100_000 / 200;) {
      const taken = buckets.take('workspace');
      if (taken.allowed) {
        page += 1;
        now += ANSWER_MS;
      } else {
        now += taken.retryAfterSeconds * 1000;
      }
    }
    expect(now / 1000).toBeLessThan(10);
  });

  it('when the burst is spent, then the next request waits about 1/rate, and other workspaces are not held back', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 3, refillPerSecond: 2 }, () => now);
    for (let i = 0; i < 3; i++) expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.peek('a').allowed).toBe(false);
    expect(buckets.take('b').allowed).toBe(true);
    now += 500;
    expect(buckets.peek('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(true);
  });
});
