import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  ChildOutcome,
  WorkspaceActivities,
  WorkspaceRunSummary,
} from '../activities/workspace-sync/index';
import { GroupIdKey, SyncKindKey, SyncTriggerKey, WorkspaceIdKey } from '../contracts/search-attributes';
import { groupSyncWorkflowId, type GroupSyncInput, type WorkspaceSyncInput } from '../contracts/workflows';
import { progressQuery } from '../contracts/progress';
import type { Phase } from '../contracts/sync-runs';

/** Short database work: retried with backoff until the database answers. */
const { beginWorkspaceRun, listLinkedGroupIds, finishWorkspaceRun } = proxyActivities<WorkspaceActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export const DEFAULT_WORKSPACE_SYNC_CONCURRENCY = 4;

/** Started by name: only the group sync's input matters here, not its module. */
type GroupSyncWorkflow = (input: GroupSyncInput) => Promise<unknown>;

export type WorkspaceSyncResult =
  WorkspaceRunSummary | { syncRunId: string | null; status: 'skipped'; reason: string };

/**
 * Syncs every linked group as a child `groupSyncWorkflow` (id `group-sync-{groupId}`), at most
 * `concurrency` at once in a sliding window. A group whose sync is already running is skipped;
 * the run record ends with the children's counts summed. Canceling it cancels the children.
 * History holds group ids and outcomes only: it grows with groups, never with members.
 */
export async function workspaceSyncWorkflow(input: WorkspaceSyncInput): Promise<WorkspaceSyncResult> {
  const info = workflowInfo();
  const syncRunId = input.syncRunId ?? uuid4();
  const concurrency = Math.max(1, Math.floor(input.concurrency ?? DEFAULT_WORKSPACE_SYNC_CONCURRENCY));
  // Children say why they ran: a Schedule's workspace sync makes scheduled group syncs.
  const childTrigger = input.trigger === 'schedule' ? 'schedule' : 'workspace';
  const children: ChildOutcome[] = [];
  let total = 0;
  let phase: Phase = 'starting';
  setHandler(progressQuery, () => ({
    syncRunId,
    status: 'running',
    phase: phase === 'syncing_groups' ? `syncing_groups (${children.length} of ${total} done)` : phase,
    counts: {},
    pendingApproval: null,
  }));

  const begun = await beginWorkspaceRun({
    syncRunId,
    workspaceId: input.workspaceId,
    trigger: input.trigger,
    workflowId: info.workflowId,
    temporalRunId: info.runId,
  });
  if (!begun.started) {
    return {
      syncRunId: begun.runningSyncRunId,
      status: 'skipped',
      reason: 'another workspace sync is running',
    };
  }

  const root = CancellationScope.current();
  async function syncGroup(groupId: string): Promise<ChildOutcome> {
    try {
      const child = await startChild<GroupSyncWorkflow>('groupSyncWorkflow', {
        workflowId: groupSyncWorkflowId(groupId),
        args: [{ workspaceId: input.workspaceId, groupId, trigger: childTrigger, parentRunId: syncRunId }],
        typedSearchAttributes: [
          { key: WorkspaceIdKey, value: input.workspaceId },
          { key: GroupIdKey, value: groupId },
          { key: SyncKindKey, value: 'group' },
          { key: SyncTriggerKey, value: childTrigger },
        ],
        memo: { workspaceId: input.workspaceId, parentRunId: syncRunId },
        // If this workflow is terminated, its group syncs are asked to stop too.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
      await child.result();
      return { groupId, outcome: 'completed' };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { groupId, outcome: 'already_running' };
      if (isCancellation(err)) return { groupId, outcome: 'canceled' };
      if (err instanceof ChildWorkflowFailure)
        return { groupId, outcome: 'failed', message: (err.cause ?? err).message.slice(0, 500) };
      throw err;
    }
  }

  let canceled = false;
  try {
    const groupIds = await listLinkedGroupIds({ workspaceId: input.workspaceId });
    total = groupIds.length;
    phase = 'syncing_groups';
    log.info('syncing linked groups', { groups: total, concurrency });

    // Sliding window: a new child starts as soon as any running one ends.
    const inFlight = new Set<Promise<void>>();
    for (const groupId of groupIds) {
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (root.consideredCancelled) break;
      const running: Promise<void> = syncGroup(groupId).then((outcome) => {
        children.push(outcome);
        inFlight.delete(running);
      });
      inFlight.add(running);
    }
    await Promise.all(inFlight);
    canceled = root.consideredCancelled;
  } catch (err) {
    if (!isCancellation(err)) throw err;
    canceled = true;
  }

  phase = 'finishing';
  // Runs even when canceled: the record must say how the sync ended.
  const summary = await CancellationScope.nonCancellable(() =>
    finishWorkspaceRun({ syncRunId, workspaceId: input.workspaceId, children, canceled }),
  );
  if (canceled) throw new CancelledFailure('workspace sync canceled');
  return summary;
}
