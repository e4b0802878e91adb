import type { Phase } from '../../contracts/sync-runs';
import { setRunStatus } from '../../db/repositories/sync-run-progress';
import type { ActivityDeps } from '../../engine/deps';

export interface SetSyncRunStatusInput {
  syncRunId: string;
  status: 'running' | 'waiting_approval';
  phase?: Phase;
}

/** Shows a run waiting for approval (and running again) in the run record. */
export function createSetSyncRunStatusActivity({ db }: ActivityDeps) {
  return async function setSyncRunStatus(input: SetSyncRunStatusInput): Promise<void> {
    await setRunStatus(db, input.syncRunId, input.status, input.phase);
  };
}
