import { activityInfo } from '@temporalio/activity';
import type { ActivityDeps } from '../engine/deps';
import { createApplyFieldSettingsActivity } from './group-sync/apply-field-settings';
import { createBeginSyncRunActivity } from './run/begin-sync-run';
import { createChooseSyncTypeActivity } from './group-sync/choose-sync-type';
import { createCleanUpUsersActivity } from './group-sync/clean-up-users';
import { createFetchDeltaChangesActivity } from './group-sync/fetch-delta-changes';
import { createFetchMembersActivity } from './group-sync/fetch-members';
import { createFetchRecipientUserActivity } from './recipient-sync/fetch-recipient-user';
import { createFetchUsersByIdsActivity } from './import-users/fetch-users-by-ids';
import { createFinishSyncRunActivity } from './run/finish-sync-run';
import { createPlanCleanUpActivity } from './group-sync/plan-clean-up';
import { createPlanPreviewActivity } from './group-preview/plan-preview';
import { createSetSyncRunStatusActivity } from './run/set-sync-run-status';
import { createUpdateCardsActivity } from './group-sync/update-cards';
import { createWorkspaceActivities } from './workspace-sync';
import { createPruneExpiredHistoryActivity } from './retention/prune-expired-history';
import { guardWorkspaceScope } from './workspace-scope-guard';

/** Every activity the worker registers, built from explicit dependencies. */
export function createActivities(deps: ActivityDeps) {
  const activities = {
    beginSyncRun: createBeginSyncRunActivity(deps),
    setSyncRunStatus: createSetSyncRunStatusActivity(deps),
    finishSyncRun: createFinishSyncRunActivity(deps),
    chooseSyncType: createChooseSyncTypeActivity(deps),
    fetchMembers: createFetchMembersActivity(deps),
    fetchDeltaChanges: createFetchDeltaChangesActivity(deps),
    planCleanUp: createPlanCleanUpActivity(deps),
    applyFieldSettings: createApplyFieldSettingsActivity(deps),
    cleanUpUsers: createCleanUpUsersActivity(deps),
    updateCards: createUpdateCardsActivity(deps),
    planPreview: createPlanPreviewActivity(deps),
    fetchRecipientUser: createFetchRecipientUserActivity(deps),
    fetchUsersByIds: createFetchUsersByIdsActivity(deps),
    ...createWorkspaceActivities(deps),
    pruneExpiredHistory: createPruneExpiredHistoryActivity(deps),
  };
  return countRetries(deps, guardWorkspaceScope(deps.db, activities));
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/** Reports every attempt after the first to the worker's metrics (resumed crashes, Graph outages). */
function countRetries<T extends Record<string, AnyActivity>>(deps: ActivityDeps, activities: T): T {
  const { metrics } = deps;
  if (!metrics) return activities;
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = (...args) => {
      if (activityInfo().attempt > 1) metrics.activityRetry(name);
      return fn(...args);
    };
  }
  return wrapped as T;
}

export type SyncActivities = ReturnType<typeof createActivities>;
