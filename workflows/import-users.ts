import { chunked } from './activity-proxies';
import type { ImportUsersInput } from '../contracts/workflows';
import { runSync, type SyncResult } from './sync-run';

/**
 * Imports the users an operator chose (ids in the run record's params, not in history) through
 * the same Field Settings code; a manual recipient with the same email is linked. Importing the
 * same people again changes nothing. With `createCards`, each imported recipient gets a workspace card.
 */
export async function importUsersWorkflow(input: ImportUsersInput): Promise<SyncResult> {
  return runSync(input, { kind: 'import' }, async (run) => {
    const scope = { syncRunId: run.syncRunId, workspaceId: input.workspaceId };
    run.phase('fetching_users');
    run.counts((await chunked.fetchUsersByIds(scope)).counts);
    run.phase('applying_field_settings');
    run.counts((await chunked.applyFieldSettings({ ...scope, photos: 'new' })).counts);
    if (input.createCards) {
      run.phase('updating_cards');
      run.counts((await chunked.updateCards({ ...scope, workspaceCards: true })).counts);
    }
  });
}
