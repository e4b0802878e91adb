import type { ActivityMetrics } from '../engine/deps';
import type { Db } from '../db/database';
import { addWorkerCounters, WORKER_COUNTERS, type CounterDelta } from '../db/repositories/worker-counters';

export interface WorkerMetrics extends ActivityMetrics {
  /** Writes what was counted since the last flush. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Counts Graph requests, throttled answers and activity retries in memory and adds them to Postgres
 * every few seconds, so the API process can serve them on /metrics without a second scrape target.
 */
export function createWorkerMetrics(
  db: Db,
  opts: { flushMs?: number; onError?: (err: unknown) => void } = {},
): WorkerMetrics {
  const pending = new Map<string, CounterDelta>();
  const count = (name: string, labels: Record<string, string>, by = 1) => {
    const key = JSON.stringify([name, labels]);
    const entry = pending.get(key) ?? { name, labels: JSON.stringify(labels), value: 0 };
    entry.value += by;
    pending.set(key, entry);
  };
  const flush = async () => {
    if (pending.size === 0) return;
    const deltas = [...pending.values()];
    pending.clear();
    try {
      await addWorkerCounters(db, deltas);
    } catch (err) {
      // Keep the counts for the next flush rather than lose them.
      for (const d of deltas) count(d.name, JSON.parse(d.labels), d.value);
      opts.onError?.(err);
    }
  };
  const timer = setInterval(() => void flush(), opts.flushMs ?? 5000);
  timer.unref();
  return {
    graphRequest({ status, throttled }) {
      count(WORKER_COUNTERS.graphRequests, { status: String(status) });
      if (throttled) count(WORKER_COUNTERS.graphThrottled, {});
    },
    activityRetry(activity) {
      count(WORKER_COUNTERS.activityRetries, { activity });
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
