import { sql } from 'kysely';
import type { Db } from '../database';

/** Rows deleted by one pruning, by table. */
export interface Pruned {
  changes: number;
  events: number;
  deliveries: number;
}

/**
 * Deletes change history, events and webhook deliveries written before `cutoff`, in every workspace. One statement a
 * table: a daily job over tables without a time index, where a scan is cheaper than keeping one.
 */
export async function pruneOlderThan(db: Db, cutoff: Date): Promise<Pruned> {
  const changes = await sql`delete from recipient_changes where created_at < ${cutoff}`.execute(db);
  const events = await sql`delete from events where created_at < ${cutoff}`.execute(db);
  const deliveries = await sql`delete from webhook_deliveries where created_at < ${cutoff}`.execute(db);
  return {
    changes: Number(changes.numAffectedRows ?? 0),
    events: Number(events.numAffectedRows ?? 0),
    deliveries: Number(deliveries.numAffectedRows ?? 0),
  };
}
