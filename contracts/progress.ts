import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Phase, RunCounts, SyncRunStatus } from './sync-runs';

/** What the `progress` query answers while a sync runs. */
export interface SyncProgress {
  syncRunId: string;
  status: SyncRunStatus;
  /** A Phase; a workspace sync adds how many of its groups are done. */
  phase: Phase | `syncing_groups (${number} of ${number} done)`;
  /** A sync's counts, or a preview's. */
  counts: Partial<RunCounts>;
  /** Set while a cleanup waits for approval. */
  pendingApproval: { wouldRemove: number; memberCount: number; reason: string } | null;
}

export const progressQuery = defineQuery<SyncProgress>('progress');
/** Lets a cleanup held by the deletion threshold go ahead. */
export const approveSignal = defineSignal<[{ approvedBy?: string }?]>('approve');
