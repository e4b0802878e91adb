import { log } from '@temporalio/activity';
import { isActiveRunConflict } from '../../db/active-run-constraints';
import { upsertRunStart, type BeginRunFields } from '../../db/repositories/sync-run-progress';
import type { ActivityDeps } from '../../engine/deps';

export type BeginSyncRunInput = BeginRunFields;

export type BeginSyncRunResult =
  { started: true; groupName: string | null } | { started: false; runningSyncRunId: string | null };

/**
 * Creates or adopts the run record and returns the group's stored name for the memo. A run
 * without a record (a Schedule start) that meets another unfinished run of the same group on the
 * one-active-run index is not started: it is skipped, and the running run is named.
 */
export function createBeginSyncRunActivity({ db }: ActivityDeps) {
  return async function beginSyncRun(input: BeginSyncRunInput): Promise<BeginSyncRunResult> {
    try {
      await upsertRunStart(db, input);
    } catch (err) {
      if (!isActiveRunConflict(err) || !input.groupId) throw err;
      const running = await db
        .selectFrom('syncRuns')
        .select('id')
        .where('groupId', '=', input.groupId)
        .where('kind', '=', input.kind)
        .where('status', 'in', ['running', 'waiting_approval'])
        .executeTakeFirst();
      log.info('group sync skipped: another run of the group is going', {
        groupId: input.groupId,
        runningSyncRunId: running?.id,
      });
      return { started: false, runningSyncRunId: running?.id ?? null };
    }
    log.info('sync run started', { syncRunId: input.id, kind: input.kind, trigger: input.trigger });
    if (!input.groupId) return { started: true, groupName: null };
    const group = await db
      .selectFrom('groups')
      .select('name')
      .where('id', '=', input.groupId)
      .executeTakeFirst();
    return { started: true, groupName: group?.name ?? null };
  };
}
