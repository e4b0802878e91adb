/**
 * Starts reading the next chunk while the current one is written. A failure surfaces where the
 * result is awaited; one never awaited (the activity stopped first) is not an unhandled rejection.
 */
export function readAhead<T>(read: () => Promise<T>): Promise<T> {
  const pending = read();
  pending.catch(() => {});
  return pending;
}
