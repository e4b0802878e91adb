/** What a sync run record says about itself; shared by the API, the workflows and the database. */

export type SyncRunKind = 'group' | 'recipient' | 'workspace' | 'import' | 'preview';
export type SyncRunStatus = 'running' | 'waiting_approval' | 'completed' | 'failed' | 'canceled';
export type SyncTrigger = 'api' | 'schedule' | 'workspace';

export interface SyncCounts {
  membersFetched: number;
  recipientsCreated: number;
  recipientsUpdated: number;
  recipientsUnchanged: number;
  recipientsDeactivated: number;
  recipientsDeleted: number;
  recipientsReactivated: number;
  cardsCreated: number;
  cardsUpdated: number;
  cardsUnchanged: number;
  cardsDeactivated: number;
  skipped: number;
}

/** A preview run's counts: what a group sync started now would do (contracts of the preview, docs/sync.md). */
export interface PreviewCounts {
  wouldCreate: number;
  wouldUpdate: number;
  wouldReactivate: number;
  wouldDeactivate: number;
  wouldDelete: number;
  wouldRemoveFromGroup: number;
  skipped: number;
}

export const PREVIEW_COUNT_NAMES = [
  'wouldCreate',
  'wouldUpdate',
  'wouldReactivate',
  'wouldDeactivate',
  'wouldDelete',
  'wouldRemoveFromGroup',
  'skipped',
] as const satisfies ReadonlyArray<keyof PreviewCounts>;

/** Any name a run's counts may carry: a sync's, or a preview's. */
export type RunCounts = SyncCounts & PreviewCounts;

export interface SyncRunError {
  code: string;
  message: string;
}

/** Where a run is: what the run record's `phase` and the `progress` query show. */
export const PHASES = [
  'starting',
  'fetching_members',
  'fetching_changes',
  'fetching_user',
  'fetching_users',
  'planning_cleanup',
  /** A preview writes the changes a sync would make, as planned. */
  'planning_changes',
  'waiting_approval',
  'applying_field_settings',
  'cleaning_up',
  'updating_cards',
  'syncing_groups',
  'finishing',
  'skipped',
  'done',
] as const;
export type Phase = (typeof PHASES)[number];

/** Who started, approved or canceled a run: an API key (by id), a Temporal Schedule (by id), or the operator. */
export interface RunActor {
  type: 'apiKey' | 'schedule' | 'admin';
  id: string;
}

export type HoldOutcome = 'approved' | 'canceled' | 'timed_out';

/** Why a run waits for approval and what the held cleanup would do; `outcome` once the hold ends. */
export interface RunHold {
  reason: string;
  threshold: { maxCount: number | null; maxPercent: number | null };
  wouldDeactivate: number;
  wouldDelete: number;
  wouldRemoveFromGroup: number;
  outcome: HoldOutcome | null;
}
