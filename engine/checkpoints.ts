import type { Conn } from '../db/database';
import type { DeltaLinks } from '../db/repositories/group-sync-state';
import { setCheckpoint, type RunState } from '../db/repositories/sync-run-progress';
import type { SyncType, SyncTypeReason } from '../domain/sync-type';

/**
 * Every resume point a run keeps in `sync_runs.checkpoint`, by name. Each is written in the same
 * transaction as the work it covers, so a retried activity continues exactly after it.
 */
export interface Checkpoints {
  /** chooseSyncType's decision; `sync_runs.sync_type` says the kind. */
  syncPlan: SyncPlan;
  fetchMembers: ListingCheckpoint;
  fetchDelta: DeltaCheckpoint;
  /** The delta rounds a full run opens so that the next run can be a delta (delta-rounds.ts). */
  openMembersDelta: DeltaRoundState;
  openUsersDelta: DeltaRoundState;
  /** The links the run leaves for the next delta run; finishSyncRun moves them to the group. */
  deltaLinks: DeltaLinks;
  planCleanUp: KeysetCheckpoint;
  applyFieldSettings: KeysetCheckpoint & { chunks: number };
  cleanUpUsers: KeysetCheckpoint;
  updateCards: KeysetCheckpoint & { queued: boolean };
  fetchUsersByIds: { offset: number };
  fetchRecipientUser: { done: boolean; found: boolean; accountEnabled: boolean | null };
  planPreview: PreviewCheckpoint;
}

export type CheckpointName = keyof Checkpoints;

/** Chunked phases resume after the last key they committed. */
export interface KeysetCheckpoint {
  after: string;
  done: boolean;
}

/** A preview plans the members to apply, then the cleanup cases (engine/preview-plan.ts). */
export interface PreviewCheckpoint extends KeysetCheckpoint {
  step: 'members' | 'cleanup';
}

export interface SyncPlan {
  syncType: SyncType;
  reason: SyncTypeReason;
  /** The settings basis new delta links are made under; null = make none (nested groups). */
  basis: string | null;
  /** The run was a delta and became full (its delta links had expired). */
  fellBack?: boolean;
}

export interface ListingCheckpoint {
  nextLink: string | null;
  pages: number;
  done: boolean;
  /** How often an expired page link made the listing start over. */
  restarts?: number;
  /**
   * The group had no members when the listing began, so its members are applied while it pages
   * (apply-ahead.ts); planCleanUp then knows that no one can have left.
   */
  applyAhead?: boolean;
  /**
   * The members' photo metadata was read while the listing paged (photo-checks-ahead.ts): members
   * applied before from the same data were passed over all the same, and applyFieldSettings takes
   * back those whose photo moved.
   */
  photosCheckedAhead?: boolean;
}

export interface DeltaCheckpoint {
  /** groups/delta, then users/delta, then user data for joiners users/delta did not report. */
  step: 'members' | 'users' | 'joiners' | 'done';
  /** The page to request next in the current round; null = the group's stored delta link. */
  link: string | null;
  membersDeltaLink: string | null;
  /** Keyset of the joiner lookups. */
  after: string;
}

export interface DeltaRoundState {
  /** The next page to request; null once the round answered its deltaLink. */
  link: string | null;
  deltaLink: string | null;
  /** The round could not be finished: no links for this run. */
  givenUp?: boolean;
}

/** What the run has recorded under `name` so far (empty before the phase first committed). */
export function readCheckpoint<K extends CheckpointName>(state: RunState, name: K): Partial<Checkpoints[K]> {
  return (state.checkpoint[name] as Partial<Checkpoints[K]> | undefined) ?? {};
}

/** Records a resume point; pass the transaction of the work it covers. */
export async function writeCheckpoint<K extends CheckpointName>(
  conn: Conn,
  syncRunId: string,
  name: K,
  value: Checkpoints[K],
): Promise<void> {
  await setCheckpoint(conn, syncRunId, name, { ...value });
}

/**
 * What a run's listing recorded about applying ahead, for the phases after it: whether the group
 * had no members when the listing began, and whether the listing started over since (members
 * applied before were then staged again as passed over).
 */
export function listingAppliedAhead(state: RunState): { applied: boolean; restarted: boolean } {
  const cp = readCheckpoint(state, 'fetchMembers');
  return { applied: cp.applyAhead === true, restarted: (cp.restarts ?? 0) > 0 };
}
