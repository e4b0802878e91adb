import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';

/** How often the pump heartbeats; well under the heartbeat timeout the workflows declare. */
const PUMP_INTERVAL_MS = 3_000;

export interface Progress {
  /** Latest progress (cursor, counts); heartbeated with every beat. */
  set(details: Record<string, unknown>): void;
  /** Throws when the workflow cancelled the activity; call between chunks. */
  throwIfCancelled(): void;
}

/**
 * Runs `fn` with a heartbeat pump: progress is heartbeated after every chunk and at least every
 * few seconds, so a slow Graph page (throttling waits) never looks like a dead worker while a
 * killed worker is noticed within the heartbeat timeout. Cancellation arrives through heartbeats.
 */
export async function withHeartbeat<T>(fn: (progress: Progress) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  let details: Record<string, unknown> = {};
  ctx.heartbeat(details);
  const timer = setInterval(() => ctx.heartbeat(details), PUMP_INTERVAL_MS);
  try {
    return await fn({
      set(next) {
        details = next;
        ctx.heartbeat(details);
      },
      throwIfCancelled() {
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('the sync was cancelled');
      },
    });
  } finally {
    clearInterval(timer);
  }
}
