import { ApplicationFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { SyncCounts, SyncRunError, SyncRunStatus } from '../contracts/sync-runs';
import type { SyncRunRef } from '../contracts/workflows';
import { bookkeeping } from './activity-proxies';
import { describeFailure } from './failures';
import { trackRun, type RunMeta, type RunTracker } from './run-tracker';

export interface SyncResult {
  syncRunId: string;
  /** `skipped`: another run of the same group was going (Schedule overlap); no run record was written. */
  status: SyncRunStatus | 'skipped';
  counts: Partial<SyncCounts>;
  /** The run that was going, when skipped. */
  runningSyncRunId?: string | null;
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
  const run = trackRun(ref, meta);
  const { syncRunId, progress } = run;
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
      startedBy: ref.startedBy ?? null,
    });
    if (!begun.started) {
      run.skipped();
      return { syncRunId, status: 'skipped', counts: {}, runningSyncRunId: begun.runningSyncRunId };
    }
    run.memo({ groupName: begun.groupName });
    await body(run);
    const { counts } = await finishRun(run, 'completed');
    progress.status = 'completed';
    progress.phase = 'done';
    progress.counts = counts;
    return { syncRunId, status: 'completed', counts };
  } catch (err) {
    if (isCancellation(err)) {
      await finishRun(run, 'canceled');
      progress.status = 'canceled';
      throw err;
    }
    return failRun(run, err);
  }
}

/** Ends the run record; runs even in a canceled scope, since the record must say how the run ended. */
function finishRun(
  run: Pick<RunTracker, 'syncRunId' | 'workspaceId'>,
  status: 'completed' | 'failed' | 'canceled',
  error: SyncRunError | null = null,
) {
  const { syncRunId, workspaceId } = run;
  return CancellationScope.nonCancellable(() =>
    bookkeeping.finishSyncRun({ syncRunId, workspaceId, status, error }),
  );
}

/**
 * Ends a run that threw anything but a cancellation: the record says `failed` with the code and
 * what-to-do message of the failure, and the workflow fails without a retry (a retry would start
 * the same failing run again).
 */
export async function failRun(run: RunTracker, err: unknown): Promise<never> {
  const error = describeFailure(err);
  await finishRun(run, 'failed', error);
  run.progress.status = 'failed';
  throw ApplicationFailure.nonRetryable(error.message, error.code);
}
