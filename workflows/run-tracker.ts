import { setHandler, upsertMemo, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { RunCounts, SyncRunKind } from '../contracts/sync-runs';
import { GroupIdKey, SyncKindKey, SyncTriggerKey, WorkspaceIdKey } from '../contracts/search-attributes';
import { progressQuery, type SyncProgress } from '../contracts/progress';
import type { SyncRunRef } from '../contracts/workflows';

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
  workspaceId: string;
  progress: SyncProgress;
  phase(name: SyncProgress['phase']): void;
  counts(counts: Partial<RunCounts>): void;
  memo(values: Record<string, unknown>): void;
  /** The database already holds an unfinished run of the same target: this one ends without a record. */
  skipped(): void;
}

export interface TrackRunOptions {
  /**
   * Set the search attributes and memo the starter left out. Off only for histories begun before
   * a workflow did this, so that their command sequence replays unchanged.
   */
  announce?: boolean;
}

/**
 * The part of a sync run's life that every sync workflow shares before its first activity: the
 * run id (new for Schedule starts), the `progress` query, and the search attributes and memo
 * operators filter and read runs by in the Temporal Web UI.
 */
export function trackRun(ref: SyncRunRef, meta: RunMeta, opts: TrackRunOptions = {}): RunTracker {
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
  const announce = opts.announce ?? true;
  if (announce) upsertMissingSearchAttributes(ref, meta);
  const memo: Record<string, unknown> = { ...(info.memo ?? {}) };
  const run: RunTracker = {
    syncRunId,
    workspaceId: ref.workspaceId,
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
    skipped() {
      progress.status = 'completed';
      progress.phase = 'skipped';
    },
  };
  if (announce) run.memo({ syncRunId, workspaceId: ref.workspaceId });
  return run;
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
