/**
 * When a failed delivery is tried again: growing delays, the first within a minute, the last
 * attempt a little over a day after the first (docs/webhooks.md lists them).
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** An endpoint whose attempts have failed for this long (no success between) is disabled. */
export const DISABLE_FAILING_AFTER_MS = 3 * 24 * 3_600_000;

/** The longest a receiver has to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** How long a rotated-out secret keeps signing beside the new one. */
export const PREVIOUS_SECRET_SIGNS_FOR_MS = 24 * 3_600_000;

/** The delay before the next attempt after `failedAttempts` failures, or null once they are used up. */
export function retryDelay(
  failedAttempts: number,
  delays: readonly number[] = RETRY_DELAYS_MS,
): number | null {
  return failedAttempts >= 1 && failedAttempts <= delays.length ? delays[failedAttempts - 1]! : null;
}

/** One attempt as a delivery records it (and `GET …/deliveries` shows it). */
export interface DeliveryAttempt {
  at: string;
  /** the receiver's answer; null when none came (refused, timed out, connection failed) */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** when it is tried again; null once delivered, given up, or its endpoint disabled */
  nextRetryAt: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** What an answer means: 2xx delivered; 410 Gone: the receiver wants no more (disable); else retry. */
export function outcomeOf(statusCode: number | null): 'delivered' | 'gone' | 'failed' {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return 'delivered';
  return statusCode === 410 ? 'gone' : 'failed';
}

/** Where a delivery stands after one attempt. */
export interface AfterAttempt {
  status: DeliveryStatus;
  attempt: DeliveryAttempt;
  /** when it is tried next (pending only); after a 410, at once once its endpoint is enabled */
  nextAttemptAt: Date | null;
}

/**
 * The attempt as recorded and what follows it: delivered on a 2xx; pending with the next delay
 * after a failure, or failed once the delays are used up; pending, due at once, after a 410
 * (which disables the endpoint: the delivery waits for it to be enabled again).
 */
export function afterAttempt(
  result: { at: Date; statusCode: number | null; durationMs: number; error: string | null },
  failedBefore: number,
  delays: readonly number[] = RETRY_DELAYS_MS,
): AfterAttempt {
  const outcome = outcomeOf(result.statusCode);
  const delay = outcome === 'failed' ? retryDelay(failedBefore + 1, delays) : null;
  const next =
    outcome === 'gone'
      ? result.at
      : delay !== null
        ? new Date(result.at.getTime() + result.durationMs + delay)
        : null;
  const status: DeliveryStatus =
    outcome === 'delivered' ? 'delivered' : outcome === 'gone' || delay !== null ? 'pending' : 'failed';
  return {
    status,
    nextAttemptAt: status === 'pending' ? next : null,
    attempt: {
      at: result.at.toISOString(),
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error,
      nextRetryAt: status === 'pending' && outcome !== 'gone' ? next!.toISOString() : null,
    },
  };
}
