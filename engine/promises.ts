/**
 * A request started now and awaited later (to overlap round trips): its failure surfaces where it
 * is awaited, never as an unhandled rejection if the code in between throws first.
 */
export function settleLater<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}

/** Runs `work` on each item, at most `limit` at once; the first failure rejects once the others settle. */
export async function eachAtMost<T>(
  limit: number,
  items: T[],
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = Array.from({ length: Math.min(limit, items.length) }, lane);
  const settled = await Promise.allSettled(lanes);
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
}
