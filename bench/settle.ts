import { sql } from 'kysely';
import type { Db } from '../db/database';
import { endedRunsHaveWork } from '../db/repositories/sync-run-progress';

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
    const { rows } = await sql`
      select 1 from pg_stat_activity where backend_type = 'autovacuum worker' and datname = current_database()`.execute(
      db,
    );
    if (!rows.length && !(await endedRunsHaveWork(db))) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (Date.now() - started) / 1000;
}
