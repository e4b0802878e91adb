/**
 * A start-up failure the person at the terminal can fix. Entry points print its message alone, on
 * one line, instead of a stack: it says what went wrong and what to do.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** One line for the terminal: a StartupError's message, else the error's first line. */
export function startupLine(err: unknown): string {
  if (err instanceof StartupError) return err.message;
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.split('\n')[0]!;
}
