import type { ActivityDeps } from '../../engine/deps';
import { createBeginWorkspaceRunActivity } from './begin-workspace-run';
import { createFinishWorkspaceRunActivity } from './finish-workspace-run';
import { createListLinkedGroupIdsActivity } from './list-linked-group-ids';

/** The workspace sync's own activities; its group syncs run as child workflows. */
export function createWorkspaceActivities(deps: ActivityDeps) {
  return {
    beginWorkspaceRun: createBeginWorkspaceRunActivity(deps),
    listLinkedGroupIds: createListLinkedGroupIdsActivity(deps),
    finishWorkspaceRun: createFinishWorkspaceRunActivity(deps),
  };
}

export type WorkspaceActivities = ReturnType<typeof createWorkspaceActivities>;
export type { ChildOutcome, WorkspaceRunSummary } from './finish-workspace-run';
