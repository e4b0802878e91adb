import type { CountsResult, RunScope } from '../../contracts/activity-scope';
import { loadSyncFieldSettings } from '../../db/repositories/field-settings';
import { loadRecipient } from '../../db/repositories/recipient-writes';
import { stageDeparted, stageUsers } from '../../db/repositories/staged-members';
import { addRunCounts, readRunState, setRunPhase } from '../../db/repositories/sync-run-progress';
import { graphSelectFor } from '../../domain/graph-source';
import { readCheckpoint, writeCheckpoint } from '../../engine/checkpoints';
import type { ActivityDeps } from '../../engine/deps';
import { classifyErrors, notRetryable } from '../../engine/errors';
import { openEntraClient } from '../../engine/open-entra-client';
import { readUserOrNull } from '../../engine/user-reads';

export interface FetchRecipientUserInput extends RunScope {
  recipientId: string;
}

export interface FetchRecipientUserResult extends CountsResult {
  /** false: the person is gone from the directory. */
  found: boolean;
  accountEnabled: boolean | null;
}

/** Reads one linked recipient's Entra user by object id and stages it (or stages it as deleted). */
export function createFetchRecipientUserActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function fetchRecipientUser(
    input: FetchRecipientUserInput,
  ): Promise<FetchRecipientUserResult> {
    return classifyErrors(async () => {
      const { syncRunId, workspaceId, recipientId } = input;
      await setRunPhase(db, syncRunId, 'fetching_user');
      const recipient = await loadRecipient(db, workspaceId, recipientId);
      if (!recipient)
        throw notRetryable('invalid_input', `recipient ${recipientId} does not exist in this workspace`);
      if (!recipient.entraUserId) {
        throw notRetryable(
          'not_linked',
          `recipient ${recipientId} was added by hand and is not linked to Entra ID: only a cards sync applies to it`,
        );
      }
      const state = await readRunState(db, syncRunId);
      const cp = readCheckpoint(state, 'fetchRecipientUser');
      if (cp.done)
        return { counts: state.counts, found: cp.found ?? false, accountEnabled: cp.accountEnabled ?? null };

      const client = await openEntraClient(deps, workspaceId, syncRunId);
      const select = graphSelectFor(await loadSyncFieldSettings(db, workspaceId));
      const user = await readUserOrNull(client, recipient.entraUserId, select);
      const accountEnabled = typeof user?.accountEnabled === 'boolean' ? user.accountEnabled : null;
      await db.transaction().execute(async (trx) => {
        if (user) await stageUsers(trx, syncRunId, [user], { excludeGuests: false });
        else
          await stageDeparted(trx, syncRunId, [
            { entraUserId: recipient.entraUserId!, recipientId, change: 'deleted', data: null },
          ]);
        await addRunCounts(trx, syncRunId, { membersFetched: user ? 1 : 0 });
        await writeCheckpoint(trx, syncRunId, 'fetchRecipientUser', {
          done: true,
          found: !!user,
          accountEnabled,
        });
      });
      return { counts: (await readRunState(db, syncRunId)).counts, found: !!user, accountEnabled };
    });
  };
}
