import { log } from '@temporalio/activity';
import type { CountsResult, RunScope } from '../../contracts/activity-scope';
import { readCleanupChunk } from '../../db/repositories/staged-members';
import { readRunState, setRunPhase } from '../../db/repositories/sync-run-progress';
import { readCheckpoint, writeCheckpoint } from '../../engine/checkpoints';
import { cleanUpChunk } from '../../engine/clean-up-chunk';
import type { ActivityDeps } from '../../engine/deps';
import { classifyErrors } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';
import { requireLinkedGroup } from '../../engine/linked-group';

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
        const group = input.groupId ? await requireLinkedGroup(db, workspaceId, input.groupId) : null;
        const scope = {
          workspaceId,
          syncRunId,
          group: group ? { id: group.id, options: group.syncOptions } : null,
        };
        let cp = {
          after: '',
          done: false,
          ...readCheckpoint(await readRunState(db, syncRunId), 'cleanUpUsers'),
        };
        while (!cp.done) {
          progress.throwIfCancelled();
          const rows = await readCleanupChunk(db, syncRunId, cp.after, CLEANUP_CHUNK);
          const next = { after: rows.at(-1)?.entraUserId ?? cp.after, done: rows.length < CLEANUP_CHUNK };
          await db.transaction().execute(async (trx) => {
            if (rows.length) await cleanUpChunk(trx, scope, rows);
            await writeCheckpoint(trx, syncRunId, 'cleanUpUsers', next);
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
