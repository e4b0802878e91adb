/**
 * What the API, the worker and the workflows agree on: workflow ids and names, inputs, queries,
 * signals and search attributes. Deterministic code only: workflows import this file.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SyncCounts, SyncRunStatus, SyncTrigger } from '../db/schema';

export const DEFAULT_TASK_QUEUE = 'entra-sync';

export const groupSyncWorkflowId = (groupId: string) => `group-sync-${groupId}`;
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
}

export interface GroupSyncInput extends SyncRunRef {
  groupId: string;
  /** Force a full read even when a delta link is stored. */
  full?: boolean;
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
}

export interface SyncProgress {
  syncRunId: string;
  status: SyncRunStatus;
  phase: string;
  counts: Partial<SyncCounts>;
  /** Set while a cleanup waits for approval. */
  pendingApproval: { wouldRemove: number; memberCount: number; reason: string } | null;
}

export const progressQuery = defineQuery<SyncProgress>('progress');
/** Lets a cleanup held by the deletion threshold go ahead. */
export const approveSignal = defineSignal<[{ approvedBy?: string }?]>('approve');

export const WorkspaceIdKey = defineSearchAttributeKey('WorkspaceId', SearchAttributeType.KEYWORD);
export const GroupIdKey = defineSearchAttributeKey('GroupId', SearchAttributeType.KEYWORD);
export const SyncKindKey = defineSearchAttributeKey('SyncKind', SearchAttributeType.KEYWORD);
export const SyncTriggerKey = defineSearchAttributeKey('SyncTrigger', SearchAttributeType.KEYWORD);

/** Failure types a retry cannot fix; the run record's error.code takes the same value. */
export const NON_RETRYABLE_FAILURES = [
  'invalid_credentials',
  'unknown_tenant',
  'missing_permission',
  'group_not_found',
  'user_not_found',
  'not_linked',
  'no_connection',
  'invalid_input',
] as const;
