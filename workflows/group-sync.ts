import { condition, patched, setHandler } from '@temporalio/workflow';
import { bookkeeping, chunked } from './activity-proxies';
import { approveSignal } from '../contracts/progress';
import { type GroupSyncInput } from '../contracts/workflows';
import { runSync, type SyncResult } from './sync-run';

/** For a plan recorded before planCleanUp returned the group's timeout (domain/sync-options.ts default). */
const DEFAULT_APPROVAL_TIMEOUT_HOURS = 72;

/**
 * Syncs one linked Entra group: chooseSyncType → fetchMembers (full) or fetchDeltaChanges (delta)
 * → planCleanUp → (approval when the deletion threshold is crossed, or its timeout: then no
 * cleanup) → applyFieldSettings → cleanUpUsers → updateCards. Members travel through Postgres, never through history, so the
 * history has the same length for 10 and 100,000 members. A delta run whose links expired reads
 * every member instead (one more activity, whatever the group's size).
 */
export async function groupSyncWorkflow(input: GroupSyncInput): Promise<SyncResult> {
  let approved = false;
  setHandler(approveSignal, () => {
    approved = true;
  });
  const meta = { kind: 'group' as const, groupId: input.groupId, syncType: input.full ? 'full' : undefined };
  return runSync(input, meta, async (run) => {
    const scope = { syncRunId: run.syncRunId, workspaceId: input.workspaceId, groupId: input.groupId };

    run.phase('fetching_members');
    const plan = await bookkeeping.chooseSyncType({ ...scope, full: input.full === true });
    let syncType = plan.syncType;
    let groupName: string | null = null;
    if (syncType === 'delta') {
      run.phase('fetching_changes');
      const delta = await chunked.fetchDeltaChanges(scope);
      run.counts(delta.counts);
      if (delta.fellBack) syncType = 'full';
      else groupName = delta.groupName;
    }
    if (syncType === 'full') {
      run.phase('fetching_members');
      const fetched = await chunked.fetchMembers({ ...scope, deltaBasis: plan.basis });
      run.counts(fetched.counts);
      groupName = fetched.groupName;
    }
    run.memo({ groupName });

    // Planned before anything is applied: a run held by the threshold and then canceled changes nothing.
    run.phase('planning_cleanup');
    const cleanup = await chunked.planCleanUp({ ...scope, syncType });
    run.counts(cleanup.counts);
    let skipCleanup = false;
    if (cleanup.exceedsThreshold && !approved) {
      // The record first, then the query: whoever sees the wait in `progress` finds it in the record too.
      await bookkeeping.setSyncRunStatus({
        syncRunId: run.syncRunId,
        workspaceId: scope.workspaceId,
        status: 'waiting_approval',
        phase: 'waiting_approval',
      });
      run.progress.status = 'waiting_approval';
      run.phase('waiting_approval');
      run.progress.pendingApproval = {
        wouldRemove: cleanup.wouldRemove,
        memberCount: cleanup.memberCount,
        reason: cleanup.reason,
      };
      // Runs held before the timeout existed replay their untimed wait (docs/architecture-workflows.md).
      if (patched('hold-timeout')) {
        const hours = cleanup.approvalTimeoutHours ?? DEFAULT_APPROVAL_TIMEOUT_HOURS;
        skipCleanup = !(await condition(() => approved, `${hours}h`));
      } else {
        await condition(() => approved);
      }
      run.progress.status = 'running';
      run.progress.pendingApproval = null;
      await bookkeeping.setSyncRunStatus({
        syncRunId: run.syncRunId,
        workspaceId: scope.workspaceId,
        status: 'running',
        phase: 'applying_field_settings',
        holdOutcome: skipCleanup ? 'timed_out' : 'approved',
      });
    }

    run.phase('applying_field_settings');
    run.counts((await chunked.applyFieldSettings({ ...scope, photos: 'new' })).counts);
    // A hold that timed out skips the cleanup it held; the next sync plans it again.
    if (!skipCleanup) {
      run.phase('cleaning_up');
      run.counts((await chunked.cleanUpUsers(scope)).counts);
    }
    run.phase('updating_cards');
    run.counts((await chunked.updateCards({ ...scope, touchedOnly: syncType === 'delta' })).counts);
  });
}
