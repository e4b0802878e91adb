import { chunked, single } from './activity-proxies';
import type { RecipientSyncInput } from '../contracts/workflows';
import { runSync, type SyncResult } from './sync-run';

/**
 * One recipient: `info` pulls the person from Entra through the same Field Settings code as a group
 * sync (cards untouched); `cards` pushes current values to all their cards without any Graph
 * request; `full` does both. Gone or disabled people are handled by their groups' options.
 */
export async function recipientSyncWorkflow(input: RecipientSyncInput): Promise<SyncResult> {
  return runSync(
    input,
    { kind: 'recipient', recipientId: input.recipientId, mode: input.mode },
    async (run) => {
      const scope = { syncRunId: run.syncRunId, workspaceId: input.workspaceId };
      if (input.mode !== 'cards') {
        run.phase('fetching_user');
        run.counts((await single.fetchRecipientUser({ ...scope, recipientId: input.recipientId })).counts);
        run.phase('applying_field_settings');
        run.counts((await chunked.applyFieldSettings({ ...scope, photos: 'all' })).counts);
        run.phase('cleaning_up');
        run.counts((await chunked.cleanUpUsers(scope)).counts);
      }
      if (input.mode !== 'info') {
        run.phase('updating_cards');
        run.counts((await chunked.updateCards({ ...scope, recipientId: input.recipientId })).counts);
      }
    },
  );
}
