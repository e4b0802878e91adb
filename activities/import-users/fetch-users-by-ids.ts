import { log } from '@temporalio/activity';
import type { CountsResult, RunScope } from '../../contracts/activity-scope';
import { loadSyncFieldSettings } from '../../db/repositories/field-settings';
import { insertChanges } from '../../db/repositories/recipient-writes';
import { stageUsers } from '../../db/repositories/staged-members';
import { addRunCounts, readRunState, setRunPhase } from '../../db/repositories/sync-run-progress';
import { graphSelectFor } from '../../domain/graph-source';
import { readCheckpoint, writeCheckpoint } from '../../engine/checkpoints';
import type { ActivityDeps } from '../../engine/deps';
import { classifyErrors, notRetryable } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';
import { openEntraClient } from '../../engine/open-entra-client';
import { readUsersByIds } from '../../engine/user-reads';

/** Ids looked up per transaction (the client sends them 20 per $batch request). */
const IMPORT_CHUNK = 200;

/**
 * Stages the users an import chose (`sync_runs.params.entraUserIds`), read by id; ids that are not
 * users or no longer exist are skipped with that reason.
 */
export function createFetchUsersByIdsActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function fetchUsersByIds(scope: RunScope): Promise<CountsResult> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId } = scope;
        await setRunPhase(db, syncRunId, 'fetching_users');
        const state = await readRunState(db, syncRunId);
        const raw = state.params.entraUserIds;
        if (!Array.isArray(raw) || raw.some((id) => typeof id !== 'string')) {
          throw notRetryable(
            'invalid_input',
            'the import run has no list of Entra user ids in params.entraUserIds',
          );
        }
        const ids = [...new Set(raw as string[])];
        let cp = { offset: 0, ...readCheckpoint(state, 'fetchUsersByIds') };
        const client = cp.offset < ids.length ? await openEntraClient(deps, workspaceId, syncRunId) : null;
        const select = graphSelectFor(await loadSyncFieldSettings(db, workspaceId));
        while (cp.offset < ids.length) {
          progress.throwIfCancelled();
          const slice = ids.slice(cp.offset, cp.offset + IMPORT_CHUNK);
          const { users, missing } = await readUsersByIds(client!, slice, select);
          const next = { offset: cp.offset + slice.length };
          await db.transaction().execute(async (trx) => {
            await stageUsers(trx, syncRunId, users, { excludeGuests: false });
            await insertChanges(
              trx,
              workspaceId,
              syncRunId,
              missing.map((id) => ({
                recipientId: null,
                entraUserId: id,
                action: 'skipped',
                field: null,
                oldValue: null,
                newValue: null,
                reason: 'not a user in Entra ID (deleted, or another kind of object)',
              })),
            );
            await addRunCounts(trx, syncRunId, { membersFetched: users.length, skipped: missing.length });
            await writeCheckpoint(trx, syncRunId, 'fetchUsersByIds', next);
          });
          cp = next;
          progress.set({ offset: cp.offset });
        }
        const { counts } = await readRunState(db, syncRunId);
        log.info('import users fetched', {
          syncRunId,
          requested: ids.length,
          found: counts.membersFetched ?? 0,
        });
        return { counts };
      }),
    );
  };
}
