import { sql } from 'kysely';
import type { Db } from '../db/database';

/** The longest a case waits for the previous one's background work. */
const SETTLE_LIMIT_MS = 120_000;

/**
 * Waits until the previous case's background work is over: the worker has dropped the ended runs'
 * staged rows, and no autovacuum worker is busy with the rows a sync just wrote. Back-to-back syncs
 * of one group are not what a deployment sees (re-syncs are hours apart); without this, a case
 * would also pay for the vacuuming of the one before it. Returns the seconds waited.
 */
export async function settle(db: Db): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < SETTLE_LIMIT_MS) {
    const { rows } = await sql<{ leftovers: boolean; vacuuming: boolean }>`
      select
        exists (select 1 from sync_staged_members s
                where not exists (select 1 from sync_runs r where r.id = s.sync_run_id and r.finished_at is null)) as leftovers,
        exists (select 1 from pg_stat_activity where backend_type = 'autovacuum worker' and datname = current_database()) as vacuuming`.execute(
      db,
    );
    if (!rows[0]!.leftovers && !rows[0]!.vacuuming) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (Date.now() - started) / 1000;
}
