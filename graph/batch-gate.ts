/** $batch requests one client has in flight at once, whatever reads share it. */
export const BATCHES_IN_FLIGHT = 16;

/**
 * A counting semaphore for $batch requests in flight, and the count of inner answers its reads
 * have received: a read tells scattered throttling (others get through) from a Graph that
 * throttles everything by it, whatever other reads run beside it.
 */
export interface BatchGate {
  run<T>(send: () => Promise<T>): Promise<T>;
  /** inner answers (not throttled) received so far by every read through this gate */
  answered: number;
}

export function createBatchGate(size = BATCHES_IN_FLIGHT): BatchGate {
  let free = size;
  const waiting: Array<() => void> = [];
  return {
    answered: 0,
    async run(send) {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await send();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    },
  };
}
