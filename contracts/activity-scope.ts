import type { SyncCounts } from './sync-runs';

/** What every per-run activity gets: ids only, never member lists. */
export interface RunScope {
  syncRunId: string;
  workspaceId: string;
}

export interface GroupRunScope extends RunScope {
  groupId: string;
}

/** Activities answer with the run's counts so far; the workflow's `progress` query shows them. */
export interface CountsResult {
  counts: Partial<SyncCounts>;
}
