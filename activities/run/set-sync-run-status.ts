import type { HoldOutcome, Phase } from '../../contracts/sync-runs';
import { recordRunEvent } from '../../db/repositories/events';
import { setHoldOutcome } from '../../db/repositories/run-holds';
import { setRunStatus } from '../../db/repositories/sync-run-progress';
import type { ActivityDeps } from '../../engine/deps';

export interface SetSyncRunStatusInput {
  syncRunId: string;
  /** The run's workspace, checked against the run (optional: tasks scheduled before it was sent). */
  workspaceId?: string;
  status: 'running' | 'waiting_approval';
  phase?: Phase;
  /** How the run's hold ended, when it goes on after one. */
  holdOutcome?: HoldOutcome;
}

/**
 * Shows a run waiting for approval (and running again, with how its hold ended) in the run record;
 * a run newly held records `sync_run.held` in the same transaction (once, however often the
 * activity is retried).
 */
export function createSetSyncRunStatusActivity({ db }: ActivityDeps) {
  return async function setSyncRunStatus(input: SetSyncRunStatusInput): Promise<void> {
    const { holdOutcome } = input;
    await db.transaction().execute(async (trx) => {
      if (holdOutcome) await setHoldOutcome(trx, input.syncRunId, holdOutcome);
      const changed = await setRunStatus(trx, input.syncRunId, input.status, input.phase);
      if (changed && input.status === 'waiting_approval')
        await recordRunEvent(trx, input.syncRunId, 'sync_run.held');
    });
  };
}
