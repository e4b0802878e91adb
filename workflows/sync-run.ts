import {
  CancellationScope,
  ApplicationFailure,
  isCancellation,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Phase, SyncCounts, SyncRunError, SyncRunKind, SyncRunStatus } from '../contracts/sync-runs';
import { bookkeeping } from './activity-proxies';
import { GroupIdKey, SyncKindKey, SyncTriggerKey, WorkspaceIdKey } from '../contracts/search-attributes';
import { progressQuery, type SyncProgress } from '../contracts/progress';
import { type SyncRunRef } from '../contracts/workflows';
import { describeFailure } from './failures';

export interface SyncResult {
  syncRunId: string;
  /** `skipped`: another run of the same group was going (Schedule overlap); no run record was written. */
  status: SyncRunStatus | 'skipped';
  counts: Partial<SyncCounts>;
  /** The run that was going, when skipped. */
  runningSyncRunId?: string | null;
}

export interface RunMeta {
  kind: SyncRunKind;
  groupId?: string;
  recipientId?: string;
  mode?: string;
  syncType?: string;
}

/** The running sync as its body sees it: the state the `progress` query answers with. */
export interface RunTracker {
  syncRunId: string;
  progress: SyncProgress;
  phase(name: Phase): void;
  counts(counts: Partial<SyncCounts>): void;
  memo(values: Record<string, unknown>): void;
}

/**
 * The life of a sync run shared by the sync workflows: run id (new for Schedule starts), search
 * attributes and memo, the run record from start to end, the `progress` query, and the ending:
 * completed, failed with a what-to-do message, canceled (bookkeeping survives cancellation), or
 * skipped when the database already holds an unfinished run of the same group.
 */
export async function runSync(
  ref: SyncRunRef,
  meta: RunMeta,
  body: (run: RunTracker) => Promise<void>,
): Promise<SyncResult> {
  const info = workflowInfo();
  const syncRunId = ref.syncRunId ?? uuid4();
  const progress: SyncProgress = {
    syncRunId,
    status: 'running',
    phase: 'starting',
    counts: {},
    pendingApproval: null,
  };
  setHandler(progressQuery, () => progress);
  upsertMissingSearchAttributes(ref, meta);
  const memo: Record<string, unknown> = { ...(info.memo ?? {}) };
  const run: RunTracker = {
    syncRunId,
    progress,
    phase: (name) => (progress.phase = name),
    counts: (counts) => (progress.counts = counts),
    memo(values) {
      const changed = Object.entries(values).filter(
        ([k, v]) => v !== undefined && v !== null && memo[k] !== v,
      );
      if (!changed.length) return;
      Object.assign(memo, Object.fromEntries(changed));
      upsertMemo(Object.fromEntries(changed));
    },
  };
  run.memo({ syncRunId, workspaceId: ref.workspaceId });

  const finish = (status: 'completed' | 'failed' | 'canceled', error: SyncRunError | null = null) =>
    CancellationScope.nonCancellable(() =>
      bookkeeping.finishSyncRun({ syncRunId, workspaceId: ref.workspaceId, status, error }),
    );
  try {
    const begun = await bookkeeping.beginSyncRun({
      id: syncRunId,
      workspaceId: ref.workspaceId,
      kind: meta.kind,
      trigger: ref.trigger,
      workflowId: info.workflowId,
      temporalRunId: info.runId,
      groupId: meta.groupId ?? null,
      recipientId: meta.recipientId ?? null,
      mode: meta.mode ?? null,
      syncType: meta.syncType ?? null,
      parentRunId: ref.parentRunId ?? null,
    });
    if (!begun.started) {
      progress.status = 'completed';
      progress.phase = 'skipped';
      return { syncRunId, status: 'skipped', counts: {}, runningSyncRunId: begun.runningSyncRunId };
    }
    run.memo({ groupName: begun.groupName });
    await body(run);
    const { counts } = await finish('completed');
    progress.status = 'completed';
    progress.phase = 'done';
    progress.counts = counts;
    return { syncRunId, status: 'completed', counts };
  } catch (err) {
    if (isCancellation(err)) {
      await finish('canceled');
      progress.status = 'canceled';
      throw err;
    }
    const error = describeFailure(err);
    await finish('failed', error);
    progress.status = 'failed';
    throw ApplicationFailure.nonRetryable(error.message, error.code);
  }
}

/** Sets the operator-facing search attributes unless the starter already did (saves history events). */
function upsertMissingSearchAttributes(ref: SyncRunRef, meta: RunMeta): void {
  const current = workflowInfo().typedSearchAttributes;
  const wanted: SearchAttributeUpdatePair[] = [
    { key: WorkspaceIdKey, value: ref.workspaceId },
    { key: SyncKindKey, value: meta.kind },
    { key: SyncTriggerKey, value: ref.trigger },
  ];
  if (meta.groupId) wanted.push({ key: GroupIdKey, value: meta.groupId });
  const missing = wanted.filter((pair) => current.get(pair.key as typeof WorkspaceIdKey) !== pair.value);
  if (missing.length) upsertSearchAttributes(missing);
}
