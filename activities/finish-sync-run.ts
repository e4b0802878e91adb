import { log } from '@temporalio/activity';
import type { SyncCounts, SyncRunError } from '../db/schema';
import { clearStagedMembers, finishRun } from '../db/repositories/sync-run-progress';
import { markGroupSynced } from '../db/repositories/sync-context';
import type { ActivityDeps } from './deps';

export interface FinishSyncRunInput {
  syncRunId: string;
  status: 'completed' | 'failed' | 'canceled';
  error?: SyncRunError | null;
}

/** Ends the run record once, drops the run's staged members and stamps the group's last sync. */
export function createFinishSyncRunActivity({ db }: ActivityDeps) {
  return async function finishSyncRun(input: FinishSyncRunInput): Promise<{ counts: Partial<SyncCounts> }> {
    await db.transaction().execute(async (trx) => {
      await finishRun(trx, input.syncRunId, input.status, input.error ?? null);
      if (input.status === 'completed') {
        const run = await trx
          .selectFrom('syncRuns')
          .select(['groupId', 'kind'])
          .where('id', '=', input.syncRunId)
          .executeTakeFirst();
        if (run?.kind === 'group' && run.groupId) await markGroupSynced(trx, run.groupId);
      }
    });
    await clearStagedMembers(db, input.syncRunId);
    // A run whose record was never written (its start failed) has nothing to end.
    const run = await db
      .selectFrom('syncRuns')
      .select('counts')
      .where('id', '=', input.syncRunId)
      .executeTakeFirst();
    log.info('sync run finished', { syncRunId: input.syncRunId, status: input.status, counts: run?.counts });
    return { counts: run?.counts ?? {} };
  };
}
