import { log } from '@temporalio/activity';
import { isActiveRunConflict } from '../../db/active-run-constraints';
import { setRunPhase, upsertRunStart } from '../../db/repositories/sync-run-progress';
import type { RunActor, SyncTrigger } from '../../contracts/sync-runs';
import type { ActivityDeps } from '../../engine/deps';

export interface BeginWorkspaceRunInput {
  syncRunId: string;
  workspaceId: string;
  trigger: SyncTrigger;
  workflowId: string;
  temporalRunId: string;
  startedBy?: RunActor | null;
}

export type BeginWorkspaceRunResult = { started: true } | { started: false; runningSyncRunId: string | null };

/**
 * Creates the workspace run record (a Schedule-started sync has none yet) or adopts the API's.
 * Another unfinished workspace sync makes the insert fail on the one-active-run index: the
 * run is then skipped, which is how overlapping API and Schedule starts are refused.
 */
export function createBeginWorkspaceRunActivity({ db }: ActivityDeps) {
  return async function beginWorkspaceRun(input: BeginWorkspaceRunInput): Promise<BeginWorkspaceRunResult> {
    try {
      await upsertRunStart(db, {
        id: input.syncRunId,
        workspaceId: input.workspaceId,
        kind: 'workspace',
        trigger: input.trigger,
        workflowId: input.workflowId,
        temporalRunId: input.temporalRunId,
        startedBy: input.startedBy ?? null,
      });
    } catch (err) {
      if (!isActiveRunConflict(err)) throw err;
      const running = await db
        .selectFrom('syncRuns')
        .select('id')
        .where('workspaceId', '=', input.workspaceId)
        .where('kind', '=', 'workspace')
        .where('status', 'in', ['running', 'waiting_approval'])
        .executeTakeFirst();
      log.info('workspace sync skipped: another one is running', { runningSyncRunId: running?.id });
      return { started: false, runningSyncRunId: running?.id ?? null };
    }
    await setRunPhase(db, input.syncRunId, 'syncing_groups');
    log.info('workspace sync started', { syncRunId: input.syncRunId, trigger: input.trigger });
    return { started: true };
  };
}
