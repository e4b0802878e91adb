import { log } from '@temporalio/activity';
import { readCleanupChunk } from '../../db/repositories/staged-members';
import { loadSyncGroup } from '../../db/repositories/sync-context';
import {
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
} from '../../db/repositories/sync-run-progress';
import type { ActivityDeps } from '../../engine/deps';
import type { CountsResult, RunScope } from '../../contracts/activity-scope';
import { cleanUpChunk } from '../../engine/clean-up-chunk';
import { classifyErrors, notRetryable } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';

export interface CleanUpUsersInput extends RunScope {
  /** A group sync; without it, each recipient's own groups decide (recipient syncs). */
  groupId?: string;
}

const CLEANUP_CHUNK = 1000;

/** Applies Sync Options to disabled, removed and deleted members, chunk by chunk with a checkpoint. */
export function createCleanUpUsersActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function cleanUpUsers(input: CleanUpUsersInput): Promise<CountsResult> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId } = input;
        await setRunPhase(db, syncRunId, 'cleaning_up');
        const group = input.groupId ? await loadSyncGroup(db, workspaceId, input.groupId) : null;
        if (input.groupId && !group)
          throw notRetryable('invalid_input', `group ${input.groupId} is not linked in this workspace`);
        const scope = {
          workspaceId,
          syncRunId,
          group: group ? { id: group.id, options: group.syncOptions } : null,
        };
        let cp = {
          after: '',
          done: false,
          ...phaseCheckpoint<{ after: string; done: boolean }>(
            await readRunState(db, syncRunId),
            'cleanUpUsers',
          ),
        };
        while (!cp.done) {
          progress.throwIfCancelled();
          const rows = await readCleanupChunk(db, syncRunId, cp.after, CLEANUP_CHUNK);
          const next = { after: rows.at(-1)?.entraUserId ?? cp.after, done: rows.length < CLEANUP_CHUNK };
          await db.transaction().execute(async (trx) => {
            if (rows.length) await cleanUpChunk(trx, scope, rows);
            await setCheckpoint(trx, syncRunId, 'cleanUpUsers', next);
          });
          cp = next;
          progress.set({ after: cp.after });
        }
        const { counts } = await readRunState(db, syncRunId);
        log.info('cleanup applied', {
          syncRunId,
          deactivated: counts.recipientsDeactivated ?? 0,
          deleted: counts.recipientsDeleted ?? 0,
        });
        return { counts };
      }),
    );
  };
}
