import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  CancellationScope,
  ChildWorkflowFailure,
  isCancellation,
  ParentClosePolicy,
  startChild,
} from '@temporalio/workflow';
import type { ChildOutcome } from '../activities/workspace-sync/index';
import { GroupIdKey, SyncKindKey, SyncTriggerKey, WorkspaceIdKey } from '../contracts/search-attributes';
import { groupSyncWorkflowId, type GroupSyncInput } from '../contracts/workflows';
import type { RunActor } from '../contracts/sync-runs';

/** Started by name: only the group sync's input matters here, not its module. */
type GroupSyncWorkflow = (input: GroupSyncInput) => Promise<unknown>;

export interface GroupChildrenOptions {
  workspaceId: string;
  /** The workspace run the children's records point to. */
  parentRunId: string;
  trigger: 'schedule' | 'workspace';
  /** Whoever started the workspace sync started its children too. */
  startedBy?: RunActor;
  concurrency: number;
  /** Called as each child ends, in the order they end. */
  onOutcome(outcome: ChildOutcome): void;
}

/**
 * Runs a child `groupSyncWorkflow` (id `group-sync-{groupId}`) per group, at most `concurrency`
 * at once: a new child starts as soon as any running one ends. Stops starting children once the
 * workflow is canceled, and waits for the started ones either way.
 */
export async function syncGroupsInWindow(groupIds: string[], opts: GroupChildrenOptions): Promise<void> {
  const root = CancellationScope.current();
  const inFlight = new Set<Promise<void>>();
  for (const groupId of groupIds) {
    if (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
    if (root.consideredCancelled) break;
    const running: Promise<void> = syncGroup(groupId, opts).then((outcome) => {
      opts.onOutcome(outcome);
      inFlight.delete(running);
    });
    inFlight.add(running);
  }
  await Promise.all(inFlight);
}

/** One group's sync as a child, and how it ended; a failed child does not fail the workspace sync. */
async function syncGroup(groupId: string, opts: GroupChildrenOptions): Promise<ChildOutcome> {
  const { workspaceId, parentRunId, trigger, startedBy } = opts;
  try {
    const child = await startChild<GroupSyncWorkflow>('groupSyncWorkflow', {
      workflowId: groupSyncWorkflowId(groupId),
      args: [{ workspaceId, groupId, trigger, parentRunId, ...(startedBy ? { startedBy } : {}) }],
      typedSearchAttributes: [
        { key: WorkspaceIdKey, value: workspaceId },
        { key: GroupIdKey, value: groupId },
        { key: SyncKindKey, value: 'group' },
        { key: SyncTriggerKey, value: trigger },
      ],
      memo: { workspaceId, parentRunId },
      // If the workspace sync is terminated, its group syncs are asked to stop too.
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
