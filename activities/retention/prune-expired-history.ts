import { log } from '@temporalio/activity';
import { pruneOlderThan, type Pruned } from '../../db/repositories/retention';
import type { ActivityDeps } from '../../engine/deps';

export interface PruneExpiredHistoryInput {
  /** Keep what was written within this many days. */
  retentionDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes change history, events and webhook deliveries older than the retention period (RETENTION_DAYS). */
export function createPruneExpiredHistoryActivity({ db }: ActivityDeps) {
  return async function pruneExpiredHistory(input: PruneExpiredHistoryInput): Promise<Pruned> {
    const cutoff = new Date(Date.now() - input.retentionDays * DAY_MS);
    const pruned = await pruneOlderThan(db, cutoff);
    log.info('expired history pruned', { cutoff: cutoff.toISOString(), ...pruned });
    return pruned;
  };
}
