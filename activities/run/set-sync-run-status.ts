import type { Phase } from '../../contracts/sync-runs';
import { recordRunEvent } from '../../db/repositories/events';
import { setRunStatus } from '../../db/repositories/sync-run-progress';
import type { ActivityDeps } from '../../engine/deps';

export interface SetSyncRunStatusInput {
  syncRunId: string;
  /** The run's workspace, checked against the run (optional: tasks scheduled before it was sent). */
  workspaceId?: string;
  status: 'running' | 'waiting_approval';
  phase?: Phase;
}

/**
 * Shows a run waiting for approval (and running again) in the run record; a run newly held
 * records `sync_run.held` in the same transaction (once, however often the activity is retried).
 */
export function createSetSyncRunStatusActivity({ db }: ActivityDeps) {
  return async function setSyncRunStatus(input: SetSyncRunStatusInput): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const changed = await setRunStatus(trx, input.syncRunId, input.status, input.phase);
      if (changed && input.status === 'waiting_approval')
        await recordRunEvent(trx, input.syncRunId, 'sync_run.held');
    });
  };
}
