import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  TimeoutFailure,
} from '@temporalio/workflow';
import type { SyncRunError } from '../contracts/sync-runs';

/**
 * What the run record says when a sync fails: the code and what-to-do message the activity gave
 * (a classified Entra error, or not_linked / no_connection ...), else a generic explanation.
 */
export function describeFailure(err: unknown): SyncRunError {
  let cause: unknown = err;
  while (cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) {
    if (cause instanceof ActivityFailure && cause.cause instanceof TimeoutFailure) {
      return {
        code: 'timeout',
        message: `${cause.activityType} timed out (${cause.cause.message}); the worker may have stopped or be overloaded: check the worker, then sync again`,
      };
    }
    cause = cause.cause;
  }
  if (cause instanceof ApplicationFailure) {
    const exhausted = !cause.nonRetryable && err instanceof ActivityFailure;
    return {
      code: cause.type ?? 'internal',
      message: exhausted
        ? `${cause.message} (still failing after several retries; sync again later)`
        : cause.message,
    };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { code: 'internal', message: `${message}; see the worker log and the run in the Temporal Web UI` };
}
