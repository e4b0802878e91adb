/**
 * Workflow ids and inputs the API, the schedules, the worker and the workflows agree on.
 * Deterministic code only: workflows import this file.
 */
import type { RunActor, SyncTrigger } from './sync-runs';

export const DEFAULT_TASK_QUEUE = 'entra-sync';

export const groupSyncWorkflowId = (groupId: string) => `group-sync-${groupId}`;
/** One preview per group at a time; it may run beside the group's sync, whose id differs. */
export const groupPreviewWorkflowId = (groupId: string) => `group-preview-${groupId}`;
export const recipientSyncWorkflowId = (recipientId: string) => `recipient-sync-${recipientId}`;
export const workspaceSyncWorkflowId = (workspaceId: string) => `workspace-sync-${workspaceId}`;
export const importWorkflowId = (syncRunId: string) => `recipient-import-${syncRunId}`;

export type RecipientSyncMode = 'info' | 'cards' | 'full';

/** Every sync input carries its run id when the API created the run record first; schedules don't. */
export interface SyncRunRef {
  workspaceId: string;
  syncRunId?: string;
  trigger: SyncTrigger;
  parentRunId?: string;
  /** Recorded on the run as `startedBy` (the API writes it itself; a Schedule passes it here). */
  startedBy?: RunActor;
}

export interface GroupSyncInput extends SyncRunRef {
  groupId: string;
  /** Force a full read even when a delta link is stored. */
  full?: boolean;
}

/** A preview is always a full read: it forecasts from the directory as it is now. */
export interface GroupPreviewInput extends SyncRunRef {
  groupId: string;
}

export interface RecipientSyncInput extends SyncRunRef {
  recipientId: string;
  mode: RecipientSyncMode;
}

export interface WorkspaceSyncInput extends SyncRunRef {
  /** How many group syncs run at once. */
  concurrency?: number;
}

export interface ImportUsersInput extends SyncRunRef {
  /** Staged in the run record's params by the API, so large imports stay out of history. */
  userCount: number;
  /** Give every imported recipient a workspace card (rendered from the workspace's template). */
  createCards?: boolean;
}

/** The Temporal Schedule that starts `retentionWorkflow` daily. */
export const RETENTION_SCHEDULE_ID = 'retention-prune';

export interface RetentionInput {
  /** Change history and events older than this many days are deleted (RETENTION_DAYS). */
  retentionDays: number;
}
