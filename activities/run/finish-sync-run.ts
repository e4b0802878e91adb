import { log } from '@temporalio/activity';
import type { SyncCounts, SyncRunError } from '../../contracts/sync-runs';
import { recordRunEvent } from '../../db/repositories/events';
import {
  addRunCounts,
  clearRunWork,
  finishRun,
  setMemberCount,
} from '../../db/repositories/sync-run-progress';
import {
  recordCompletedGroupRun,
  tallyGroupAfterRun,
  type DeltaLinks,
} from '../../db/repositories/group-sync-state';
import type { ActivityDeps } from '../../engine/deps';

export interface FinishSyncRunInput {
  syncRunId: string;
  /** The run's workspace, checked against the run (optional: tasks scheduled before it was sent). */
  workspaceId?: string;
  status: 'completed' | 'failed' | 'canceled';
  error?: SyncRunError | null;
}

/**
 * Ends the run record once (with its `sync_run.completed` or `sync_run.failed` event), drops the run's working rows (or hands them to `dropRunWork`), and for a completed group run stamps
 * the group's last sync and stores the delta links the run made (only here: a failed run leaves
 * the previous links, so its successor reads the same delta window again).
 */
export function createFinishSyncRunActivity({ db, dropRunWork }: ActivityDeps) {
  return async function finishSyncRun(input: FinishSyncRunInput): Promise<{ counts: Partial<SyncCounts> }> {
    await db.transaction().execute(async (trx) => {
      const ended = await finishRun(trx, input.syncRunId, input.status, input.error ?? null);
      // A repeated call (retry) must not record again: the staging it reads is gone by then.
      if (ended && input.status === 'completed') {
        const run = await trx
          .selectFrom('syncRuns')
          .select(['groupId', 'kind', 'syncType', 'workspaceId', 'checkpoint'])
          .where('id', '=', input.syncRunId)
          .executeTakeFirst();
        if (run?.kind === 'group' && run.groupId) {
          const completed = {
            id: input.syncRunId,
            workspaceId: run.workspaceId,
            groupId: run.groupId,
            syncType: run.syncType === 'delta' ? ('delta' as const) : ('full' as const),
          };
          await recordCompletedGroupRun(trx, { ...completed, links: deltaLinksOf(run.checkpoint) });
          // A run reads the same whichever way it fetched: a delta's untouched members are unchanged.
          const { memberCount, untouched } = await tallyGroupAfterRun(trx, completed);
          await setMemberCount(trx, input.syncRunId, memberCount);
          await addRunCounts(trx, input.syncRunId, { recipientsUnchanged: untouched });
        }
      }
      // Last, so the event carries the run's final counts. A canceled run has no event type.
      if (ended && input.status !== 'canceled')
        await recordRunEvent(
          trx,
          input.syncRunId,
          input.status === 'completed' ? 'sync_run.completed' : 'sync_run.failed',
        );
    });
    await (dropRunWork ? dropRunWork(input.syncRunId) : clearRunWork(db, input.syncRunId));
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

/** The links the run's fetch activity left in its checkpoint, when complete. */
function deltaLinksOf(checkpoint: Record<string, unknown>): DeltaLinks | null {
  const links = checkpoint.deltaLinks as Partial<DeltaLinks> | undefined;
  return links?.members && links.users && links.basis
    ? { members: links.members, users: links.users, basis: links.basis }
    : null;
}
