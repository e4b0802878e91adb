import { sql } from 'kysely';
import type { Db } from '../database';

/** Rows deleted by one pruning, by table. */
export interface Pruned {
  changes: number;
  events: number;
}

/**
 * Deletes change history and events written before `cutoff`, in every workspace. One statement a
 * table: a daily job over tables without a time index, where a scan is cheaper than keeping one.
 */
export async function pruneOlderThan(db: Db, cutoff: Date): Promise<Pruned> {
  const changes = await sql`delete from recipient_changes where created_at < ${cutoff}`.execute(db);
  const events = await sql`delete from events where created_at < ${cutoff}`.execute(db);
  return { changes: Number(changes.numAffectedRows ?? 0), events: Number(events.numAffectedRows ?? 0) };
}
