import type { ScheduleOptionsAction } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { GroupIdKey, SyncKindKey, SyncTriggerKey, WorkspaceIdKey } from '../contracts/search-attributes';
import {
  groupSyncWorkflowId,
  workspaceSyncWorkflowId,
  type GroupSyncInput,
  type WorkspaceSyncInput,
} from '../contracts/workflows';

/** What a schedule syncs: one group, or every linked group of the workspace. */
export type ScheduleTarget =
  { scope: 'group'; workspaceId: string; groupId: string } | { scope: 'workspace'; workspaceId: string };

/** `group-sync-schedule-{id}` / `workspace-sync-schedule-{id}`: readable in the UI's Schedules tab. */
export function temporalScheduleIdFor(target: ScheduleTarget, scheduleId: string): string {
  return `${target.scope}-sync-schedule-${scheduleId}`;
}

/** Search attributes of the schedule itself and of every workflow it starts. */
export function scheduleSearchAttributes(target: ScheduleTarget): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: WorkspaceIdKey, value: target.workspaceId },
    { key: SyncKindKey, value: target.scope },
    { key: SyncTriggerKey, value: 'schedule' },
  ];
  if (target.scope === 'group') pairs.push({ key: GroupIdKey, value: target.groupId });
  return pairs;
}

/**
 * Starts the sync with trigger `schedule` and no run id: the workflow writes its own run record.
 * Temporal appends the scheduled time to the workflow id, so per-group exclusivity with
 * API-started runs comes from the run records (one unfinished run per group), not from the id.
 */
export function scheduleAction(
  target: ScheduleTarget,
  opts: { taskQueue: string; scheduleId: string },
): ScheduleOptionsAction {
  const memo = {
    scheduleId: opts.scheduleId,
    workspaceId: target.workspaceId,
    ...(target.scope === 'group' ? { groupId: target.groupId } : {}),
  };
  // Fixed in the action: schedules created before this field start runs without `startedBy`.
  const startedBy = { type: 'schedule' as const, id: opts.scheduleId };
  if (target.scope === 'group') {
    const input: GroupSyncInput = {
      workspaceId: target.workspaceId,
      groupId: target.groupId,
      trigger: 'schedule',
      startedBy,
    };
    return {
      type: 'startWorkflow',
      workflowType: 'groupSyncWorkflow',
      workflowId: groupSyncWorkflowId(target.groupId),
      taskQueue: opts.taskQueue,
      args: [input],
      typedSearchAttributes: scheduleSearchAttributes(target),
      memo,
    };
  }
  const input: WorkspaceSyncInput = { workspaceId: target.workspaceId, trigger: 'schedule', startedBy };
  return {
    type: 'startWorkflow',
    workflowType: 'workspaceSyncWorkflow',
    workflowId: workspaceSyncWorkflowId(target.workspaceId),
    taskQueue: opts.taskQueue,
    args: [input],
    typedSearchAttributes: scheduleSearchAttributes(target),
    memo,
  };
}
