import { chunked } from './activity-proxies';
import { type GroupPreviewInput } from '../contracts/workflows';
import { runSync, type SyncResult } from './sync-run';

/**
 * Previews a group sync (the confirmation before one): fetchMembers reads every member as a full
 * sync would, planCleanUp stages who left, and planPreview records what a sync would change, as
 * planned changes and `would*` counts. No recipient, membership, card or photo is written, nothing
 * is applied ahead, and the group's delta links, last full read and name stay as they are (the run
 * is of kind `preview`, which finishSyncRun does not record on the group). A sync started later
 * reads the directory again: the preview is a forecast.
 */
export async function groupPreviewWorkflow(input: GroupPreviewInput): Promise<SyncResult> {
  const meta = { kind: 'preview' as const, groupId: input.groupId, syncType: 'full' };
  return runSync(input, meta, async (run) => {
    const scope = { syncRunId: run.syncRunId, workspaceId: input.workspaceId, groupId: input.groupId };

    run.phase('fetching_members');
    const fetched = await chunked.fetchMembers({ ...scope, forecast: true });
    run.memo({ groupName: fetched.groupName });

    run.phase('planning_cleanup');
    await chunked.planCleanUp({ ...scope, syncType: 'full' });

    run.phase('planning_changes');
    run.counts((await chunked.planPreview(scope)).counts);
  });
}
