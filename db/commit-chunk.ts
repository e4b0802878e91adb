import { sql, type Transaction } from 'kysely';
import type { Db } from './database';
import type { Database } from './schema';

/**
 * One chunk of a chunked activity: its writes and its checkpoint in one transaction. Chunks before
 * the last commit without waiting for the WAL flush (`synchronous_commit = off`): a database crash
 * can lose only whole recent chunks together with their checkpoints, so the retried activity
 * redoes them. The last chunk commits synchronously, which flushes every earlier commit too
 * (the WAL is written in order), before the activity reports completion and the workflow moves on.
 */
export async function commitChunk<T>(
  db: Db,
  opts: { last: boolean },
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    if (!opts.last) await sql`set local synchronous_commit = off`.execute(trx);
    return work(trx);
  });
}
