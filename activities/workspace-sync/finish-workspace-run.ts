import { log } from '@temporalio/activity';
import { sql } from 'kysely';
import type { SyncCounts, SyncRunError, SyncRunStatus } from '../../contracts/sync-runs';
import type { ActivityDeps } from '../../engine/deps';

/** How one child group sync ended, as the workflow saw it (ids and short messages only). */
export interface ChildOutcome {
  groupId: string;
  /** already_running: Temporal refused the child because `group-sync-{groupId}` is running. */
  outcome: 'completed' | 'failed' | 'canceled' | 'already_running';
  message?: string;
}

export interface FinishWorkspaceRunInput {
  syncRunId: string;
  workspaceId: string;
  children: ChildOutcome[];
  /** The workspace sync itself was canceled. */
  canceled: boolean;
}

export interface SkippedGroup {
  groupId: string;
  reason: string;
  /** The run that was going when this group's turn came, when it is known. */
  runningSyncRunId: string | null;
}

export interface WorkspaceRunSummary {
  syncRunId: string;
  status: Extract<SyncRunStatus, 'completed' | 'failed' | 'canceled'>;
  counts: Partial<SyncCounts>;
  groups: { total: number; completed: number; failed: number; canceled: number; skipped: number };
  skippedGroups: SkippedGroup[];
  failedGroups: Array<{ groupId: string; message: string }>;
}

const ALREADY_RUNNING = 'a sync of this group was already running';

/**
 * Sums the children's run counts into the workspace run (by parent_run_id), records which
 * groups were skipped or failed in its checkpoint, and ends it. Each group's outcome is read
 * from its child run record when there is one; a child that wrote none was refused by the
 * one-active-run index, so that group counts as skipped. Safe to repeat: counts are recomputed,
 * and only an unfinished run changes status.
 */
export function createFinishWorkspaceRunActivity({ db }: ActivityDeps) {
  return async function finishWorkspaceRun(input: FinishWorkspaceRunInput): Promise<WorkspaceRunSummary> {
    const childRuns = await db
      .selectFrom('syncRuns')
      .select(['groupId', 'status', 'counts'])
      .where('parentRunId', '=', input.syncRunId)
      .execute();
    const runByGroup = new Map(childRuns.map((r) => [r.groupId, r]));

    const counts: Record<string, number> = {};
    for (const run of childRuns) {
      for (const [name, value] of Object.entries(run.counts ?? {}))
        counts[name] = (counts[name] ?? 0) + Number(value ?? 0);
    }

    const skippedGroups: SkippedGroup[] = [];
    const failedGroups: Array<{ groupId: string; message: string }> = [];
    const groups = { total: input.children.length, completed: 0, failed: 0, canceled: 0, skipped: 0 };
    for (const child of input.children) {
      const run = runByGroup.get(child.groupId);
      const recorded =
        run && run.status !== 'running' && run.status !== 'waiting_approval' ? run.status : undefined;
      const outcome =
        child.outcome === 'already_running' || (child.outcome === 'completed' && !run)
          ? 'skipped'
          : (recorded ?? child.outcome);
      if (outcome === 'skipped') {
        skippedGroups.push({
          groupId: child.groupId,
          reason: ALREADY_RUNNING,
          runningSyncRunId: await activeGroupRunId(child.groupId),
        });
      } else if (outcome === 'failed') {
        failedGroups.push({
          groupId: child.groupId,
          message: child.message ?? 'the group sync failed; see its run',
        });
      }
      groups[
        outcome === 'completed' || outcome === 'failed' || outcome === 'canceled' ? outcome : 'skipped'
      ] += 1;
    }

    const status: WorkspaceRunSummary['status'] = input.canceled
      ? 'canceled'
      : failedGroups.length > 0
        ? 'failed'
        : 'completed';
    const error: SyncRunError | null =
      status === 'canceled'
        ? {
            code: 'canceled',
            message: 'the workspace sync was canceled; group syncs still running were canceled with it',
          }
        : status === 'failed'
          ? {
              code: 'group_syncs_failed',
              message:
                `${failedGroups.length} of ${groups.total} group syncs failed (first: ${failedGroups[0]!.message}); ` +
                `see GET /v1/sync-runs?status=failed for each group's error`,
            }
          : null;

    const summary = { groups, skippedGroups, failedGroups };
    await db
      .updateTable('syncRuns')
      .set({
        counts: JSON.stringify(counts),
        checkpoint: sql`checkpoint || jsonb_build_object('groups', ${JSON.stringify(summary)}::jsonb)`,
      })
      .where('id', '=', input.syncRunId)
      .execute();
    await db
      .updateTable('syncRuns')
      .set({
        status,
        phase: status === 'completed' ? 'done' : sql<string>`phase`,
        error: error ? JSON.stringify(error) : null,
        finishedAt: new Date(),
      })
      .where('id', '=', input.syncRunId)
      .where('status', 'in', ['running', 'waiting_approval'])
      .execute();
    log.info('workspace sync finished', { syncRunId: input.syncRunId, status, ...groups });
    return { syncRunId: input.syncRunId, status, counts, ...summary };

    async function activeGroupRunId(groupId: string): Promise<string | null> {
      const row = await db
        .selectFrom('syncRuns')
        .select('id')
        .where('groupId', '=', groupId)
        .where('kind', '=', 'group')
        .where('status', 'in', ['running', 'waiting_approval'])
        .executeTakeFirst();
      return row?.id ?? null;
    }
  };
}
