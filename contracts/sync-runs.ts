/** What a sync run record says about itself; shared by the API, the workflows and the database. */

export type SyncRunKind = 'group' | 'recipient' | 'workspace' | 'import';
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
