import { condition, setHandler } from '@temporalio/workflow';
import { bookkeeping, chunked } from './activity-proxies';
import { approveSignal, type GroupSyncInput } from './contracts';
import { runSync, type SyncResult } from './sync-run';

/**
 * Syncs one linked Entra group: fetchMembers → planCleanUp → (approval when the deletion threshold
 * is crossed) → applyFieldSettings → cleanUpUsers → updateCards. Members travel through Postgres,
 * never through history, so the history has the same length for 10 and 100,000 members.
 */
export async function groupSyncWorkflow(input: GroupSyncInput): Promise<SyncResult> {
  let approved = false;
  setHandler(approveSignal, () => {
    approved = true;
  });
  return runSync(input, { kind: 'group', groupId: input.groupId, syncType: 'full' }, async (run) => {
    const scope = { syncRunId: run.syncRunId, workspaceId: input.workspaceId, groupId: input.groupId };

    run.phase('fetching_members');
    const fetched = await chunked.fetchMembers(scope);
    run.counts(fetched.counts);
    run.memo({ groupName: fetched.groupName });

    // Planned before anything is applied: a run held by the threshold and then canceled changes nothing.
    run.phase('planning_cleanup');
    const plan = await chunked.planCleanUp(scope);
    run.counts(plan.counts);
    if (plan.exceedsThreshold && !approved) {
      run.progress.status = 'waiting_approval';
      run.phase('waiting_approval');
      run.progress.pendingApproval = {
        wouldRemove: plan.wouldRemove,
        memberCount: plan.memberCount,
        reason: plan.reason,
      };
      await bookkeeping.setSyncRunStatus({
        syncRunId: run.syncRunId,
        status: 'waiting_approval',
        phase: 'waiting_approval',
      });
      await condition(() => approved);
      run.progress.status = 'running';
      run.progress.pendingApproval = null;
      await bookkeeping.setSyncRunStatus({
        syncRunId: run.syncRunId,
        status: 'running',
        phase: 'applying_field_settings',
      });
    }

    run.phase('applying_field_settings');
    run.counts((await chunked.applyFieldSettings({ ...scope, photos: 'new' })).counts);
    run.phase('cleaning_up');
    run.counts((await chunked.cleanUpUsers(scope)).counts);
    run.phase('updating_cards');
    run.counts((await chunked.updateCards(scope)).counts);
  });
}
