import {
  CancellationScope,
  CancelledFailure,
  isCancellation,
  log,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChildOutcome, WorkspaceRunSummary } from '../activities/workspace-sync/index';
import type { WorkspaceSyncInput } from '../contracts/workflows';
import { workspaceBookkeeping } from './activity-proxies';
import { syncGroupsInWindow } from './group-children';
import { trackRun } from './run-tracker';
import { failRun } from './sync-run';

export const DEFAULT_WORKSPACE_SYNC_CONCURRENCY = 4;

/**
 * Marks histories of workspace syncs that share the run lifecycle of the other syncs: search
 * attributes and memo set when the starter left them out, and a run that fails for an unexpected
 * reason recorded as failed. Histories begun before have no marker and keep their commands.
 */
export const SHARED_RUN_LIFECYCLE_PATCH = 'workspace-sync-shared-run-lifecycle';

export type WorkspaceSyncResult =
  WorkspaceRunSummary | { syncRunId: string | null; status: 'skipped'; reason: string };

/**
 * Syncs every linked group as a child `groupSyncWorkflow` (id `group-sync-{groupId}`), at most
 * `concurrency` at once in a sliding window. A group whose sync is already running is skipped;
 * the run record ends with the children's counts summed. Canceling it cancels the children.
 * History holds group ids and outcomes only: it grows with groups, never with members.
 */
export async function workspaceSyncWorkflow(input: WorkspaceSyncInput): Promise<WorkspaceSyncResult> {
  const shared = patched(SHARED_RUN_LIFECYCLE_PATCH);
  const info = workflowInfo();
  const run = trackRun(input, { kind: 'workspace' }, { announce: shared });
  const { syncRunId } = run;
  const concurrency = Math.max(1, Math.floor(input.concurrency ?? DEFAULT_WORKSPACE_SYNC_CONCURRENCY));
  // Children say why they ran: a Schedule's workspace sync makes scheduled group syncs.
  const childTrigger = input.trigger === 'schedule' ? 'schedule' : 'workspace';
  const children: ChildOutcome[] = [];

  const begun = await workspaceBookkeeping.beginWorkspaceRun({
    syncRunId,
    workspaceId: input.workspaceId,
    trigger: input.trigger,
    workflowId: info.workflowId,
    temporalRunId: info.runId,
    startedBy: input.startedBy ?? null,
  });
  if (!begun.started) {
    run.skipped();
    return {
      syncRunId: begun.runningSyncRunId,
      status: 'skipped',
      reason: 'another workspace sync is running',
    };
  }

  let canceled = false;
  try {
    const groupIds = await workspaceBookkeeping.listLinkedGroupIds({ workspaceId: input.workspaceId });
    const showDone = () => run.phase(`syncing_groups (${children.length} of ${groupIds.length} done)`);
    showDone();
    log.info('syncing linked groups', { groups: groupIds.length, concurrency });
    await syncGroupsInWindow(groupIds, {
      workspaceId: input.workspaceId,
      parentRunId: syncRunId,
      trigger: childTrigger,
      startedBy: input.startedBy,
      concurrency,
      onOutcome(outcome) {
        children.push(outcome);
        showDone();
      },
    });
    canceled = CancellationScope.current().consideredCancelled;
  } catch (err) {
    if (!isCancellation(err)) {
      if (shared) return failRun(run, err);
      throw err;
    }
    canceled = true;
  }

  run.phase('finishing');
  // Runs even when canceled: the record must say how the sync ended.
  const summary = await CancellationScope.nonCancellable(() =>
    workspaceBookkeeping.finishWorkspaceRun({
      syncRunId,
      workspaceId: input.workspaceId,
      children,
      canceled,
    }),
  );
  run.progress.status = summary.status;
  run.progress.phase = summary.status === 'completed' ? 'done' : 'finishing';
  run.counts(summary.counts);
  if (canceled) throw new CancelledFailure('workspace sync canceled');
  return summary;
}
