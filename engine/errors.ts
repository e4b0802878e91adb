import { ApplicationFailure } from '@temporalio/common';
import { EntraError } from '../graph/errors';

/** A failure a retry cannot fix; the type becomes the run record's `error.code`. */
export function notRetryable(code: string, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, code);
}

/**
 * Classifies an error once, at the activity boundary: Entra errors keep their code (non-retryable
 * ones fail the run at once with their what-to-do message); everything else is retried as is.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof EntraError) {
    return err.retryable
      ? ApplicationFailure.retryable(err.message, err.code)
      : ApplicationFailure.nonRetryable(err.message, err.code);
  }
  return err;
}

/** Runs an activity body and classifies what it throws. */
export async function classifyErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
