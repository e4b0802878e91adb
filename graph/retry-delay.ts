/** Statuses Graph uses for "slow down" or "try again shortly". */
export const THROTTLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/** Retry-After as ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 30_000 };

/**
 * How long to wait before retry number `attempt` (0-based). With a Retry-After: at least that long,
 * plus a little jitter so clients that were throttled together don't return together. Without one:
 * exponential backoff with "equal jitter" (half fixed, half random).
 */
export function throttleDelayMs(
  retryAfterMs: number | null,
  attempt: number,
  random: () => number = Math.random,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  if (retryAfterMs !== null)
    return Math.ceil(retryAfterMs + random() * Math.min(250, retryAfterMs * 0.1 + 50));
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.ceil(exponential / 2 + random() * (exponential / 2));
}
