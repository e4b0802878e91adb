/** $batch requests one client has in flight at once, whatever reads share it. */
export const BATCHES_IN_FLIGHT = 16;

/** A counting semaphore for $batch requests in flight. */
export interface BatchGate {
  run<T>(send: () => Promise<T>): Promise<T>;
}

export function createBatchGate(size = BATCHES_IN_FLIGHT): BatchGate {
  let free = size;
  const waiting: Array<() => void> = [];
  return {
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
