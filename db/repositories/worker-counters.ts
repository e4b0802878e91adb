import { sql } from 'kysely';
import type { Db } from '../database';

/** Names the worker writes and the API's /metrics reads back. */
export const WORKER_COUNTERS = {
  graphRequests: 'entra_graph_requests_total',
  graphThrottled: 'entra_graph_throttled_total',
  activityRetries: 'entra_activity_retries_total',
} as const;

export interface CounterDelta {
  name: string;
  labels: string;
  value: number;
}

/** Adds the deltas in one statement; the API reads the totals at scrape time. */
export async function addWorkerCounters(db: Db, deltas: CounterDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await db
    .insertInto('workerCounters')
    .values(deltas)
    .onConflict((oc) =>
      oc.columns(['name', 'labels']).doUpdateSet({
        value: sql`worker_counters.value + excluded.value`,
        updatedAt: sql`now()`,
      }),
    )
    .execute();
}

export async function readWorkerCounters(db: Db): Promise<CounterDelta[]> {
  const rows = await db.selectFrom('workerCounters').select(['name', 'labels', 'value']).execute();
  return rows.map((r) => ({ ...r, value: Number(r.value) }));
}
