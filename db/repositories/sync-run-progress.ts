import type { Conn } from '../database';
import { sql } from 'kysely';
import type {
  Phase,
  RunCounts,
  RunActor,
  SyncCounts,
  SyncRunError,
  SyncRunKind,
  SyncRunStatus,
  SyncTrigger,
} from '../../contracts/sync-runs';

export interface BeginRunFields {
  id: string;
  workspaceId: string;
  kind: SyncRunKind;
  trigger: SyncTrigger;
  workflowId: string;
  temporalRunId: string;
  groupId?: string | null;
  recipientId?: string | null;
  mode?: string | null;
  syncType?: string | null;
  parentRunId?: string | null;
  startedBy?: RunActor | null;
}

/**
 * Creates the run record (runs started by a Schedule or a parent have none yet) or adopts the one
 * the API wrote; either way it ends up running with Temporal's run id.
 */
export async function upsertRunStart(db: Conn, run: BeginRunFields): Promise<void> {
  await db
    .insertInto('syncRuns')
    .values({
      id: run.id,
      workspaceId: run.workspaceId,
      kind: run.kind,
      trigger: run.trigger,
      workflowId: run.workflowId,
      temporalRunId: run.temporalRunId,
      groupId: run.groupId ?? null,
      recipientId: run.recipientId ?? null,
      mode: run.mode ?? null,
      syncType: run.syncType ?? null,
      parentRunId: run.parentRunId ?? null,
      startedBy: run.startedBy ? JSON.stringify(run.startedBy) : null,
      params: '{}',
      counts: '{}',
      checkpoint: '{}',
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        temporalRunId: eb.ref('excluded.temporalRunId'),
        syncType: sql`coalesce(sync_runs.sync_type, excluded.sync_type)`,
        startedBy: sql`coalesce(sync_runs.started_by, excluded.started_by)`,
      })),
    )
    .execute();
}

export async function setRunPhase(db: Conn, id: string, phase: Phase): Promise<void> {
  await db
    .updateTable('syncRuns')
    .set({ phase })
    .where('id', '=', id)
    .where('status', 'in', ['running', 'waiting_approval'])
    .execute();
}

/** Moves an unfinished run to `status`; answers whether the status changed (false on a repeated call). */
export async function setRunStatus(
  db: Conn,
  id: string,
  status: 'running' | 'waiting_approval',
  phase?: Phase,
): Promise<boolean> {
  const before = await db
    .selectFrom('syncRuns')
    .select('status')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  await db
    .updateTable('syncRuns')
    .set({ status, ...(phase ? { phase } : {}) })
    .where('id', '=', id)
    .where('status', 'in', ['running', 'waiting_approval'])
    .execute();
  return (
    !!before &&
    before.status !== status &&
    (before.status === 'running' || before.status === 'waiting_approval')
  );
}

/** Ends the run once; a repeated call (an activity retry) leaves the first outcome in place and answers false. */
export async function finishRun(
  db: Conn,
  id: string,
  status: SyncRunStatus,
  error: SyncRunError | null,
): Promise<boolean> {
  const result = await db
    .updateTable('syncRuns')
    .set({
      status,
      phase: status === 'completed' ? 'done' : sql<string>`phase`,
      error: error ? JSON.stringify(error) : null,
      finishedAt: new Date(),
      // A run canceled while held (through Temporal, not the API) still says how its hold ended.
      hold:
        status === 'canceled'
          ? sql`case when hold is not null and hold ->> 'outcome' is null then jsonb_set(hold, '{outcome}', '"canceled"') else hold end`
          : sql`hold`,
    })
    .where('id', '=', id)
    .where('status', 'in', ['running', 'waiting_approval'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Adds to the run's counts in the caller's transaction, so counts move exactly with the work done. */
export async function addRunCounts(db: Conn, id: string, delta: Partial<RunCounts>): Promise<void> {
  const entries = Object.entries(delta).filter(([, v]) => v);
  if (!entries.length) return;
  const json = JSON.stringify(Object.fromEntries(entries));
  await sql`
    update sync_runs set counts = counts || (
      select jsonb_object_agg(d.key, coalesce((counts ->> d.key)::bigint, 0) + d.value::text::bigint)
      from jsonb_each(${json}::jsonb) d
    )
    where id = ${id}`.execute(db);
}

/** A group run's kind (`full` | `delta`) and the plan behind it (checkpoint `syncPlan`), in one statement. */
export async function setSyncPlan(
  db: Conn,
  id: string,
  plan: { syncType: string } & Record<string, unknown>,
): Promise<void> {
  await sql`
    update sync_runs set sync_type = ${plan.syncType},
      checkpoint = checkpoint || jsonb_build_object('syncPlan', ${JSON.stringify(plan)}::jsonb)
    where id = ${id}::uuid`.execute(db);
}

/** Stores one phase's resume point; written in the same transaction as the work it covers. */
export async function setCheckpoint(
  db: Conn,
  id: string,
  phase: string,
  value: Record<string, unknown>,
): Promise<void> {
  await sql`update sync_runs set checkpoint = checkpoint || jsonb_build_object(${phase}::text, ${JSON.stringify(value)}::jsonb) where id = ${id}`.execute(
    db,
  );
}

/** Stores several resume points in one statement (no transaction needed for them to land together). */
export async function setCheckpoints(db: Conn, id: string, values: Record<string, object>): Promise<void> {
  await sql`update sync_runs set checkpoint = checkpoint || ${JSON.stringify(values)}::jsonb where id = ${id}`.execute(
    db,
  );
}

export interface RunState {
  status: SyncRunStatus;
  counts: Partial<RunCounts>;
  checkpoint: Record<string, unknown>;
  params: Record<string, unknown>;
  groupId: string | null;
  recipientId: string | null;
}

export async function readRunState(db: Conn, id: string): Promise<RunState> {
  const row = await db
    .selectFrom('syncRuns')
    .select(['status', 'counts', 'checkpoint', 'params', 'groupId', 'recipientId'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new Error(`sync run ${id} does not exist`);
  return row;
}

/** Staged members and the card queue are working data of one run; dropped when the run ends or starts over. */
export async function clearRunWork(db: Conn, id: string): Promise<void> {
  await db.deleteFrom('syncStagedMembers').where('syncRunId', '=', id).execute();
  await db.deleteFrom('syncCardQueue').where('syncRunId', '=', id).execute();
  await db.deleteFrom('syncPhotoChecks').where('syncRunId', '=', id).execute();
}

const WORK_TABLES = ['sync_staged_members', 'sync_card_queue', 'sync_photo_checks'] as const;

/** Working rows (alias `w`) of a run that has ended, or whose record is gone. */
const OF_ENDED_RUN = sql`not exists (select 1 from sync_runs r where r.id = w.sync_run_id and r.finished_at is null)`;

/** Drops the working rows of every run that is no longer running. */
export async function clearEndedRunsWork(db: Conn): Promise<void> {
  for (const table of WORK_TABLES)
    await sql`delete from ${sql.table(table)} w where ${OF_ENDED_RUN}`.execute(db);
}

/** Whether any run that is no longer running still has working rows. */
export async function endedRunsHaveWork(db: Conn): Promise<boolean> {
  for (const table of WORK_TABLES) {
    const { rows } = await sql`select 1 from ${sql.table(table)} w where ${OF_ENDED_RUN} limit 1`.execute(db);
    if (rows.length) return true;
  }
  return false;
}

/** Forgets counts of work that is being redone from the start (a listing that starts over). */
export async function dropRunCounts(db: Conn, id: string, names: Array<keyof SyncCounts>): Promise<void> {
  await db
    .updateTable('syncRuns')
    .set({ counts: sql`counts - ${sql.val(names)}::text[]` })
    .where('id', '=', id)
    .execute();
}

/** A completed group run's member count (the group's size after it). */
export async function setMemberCount(db: Conn, id: string, memberCount: number): Promise<void> {
  await db.updateTable('syncRuns').set({ memberCount }).where('id', '=', id).execute();
}

/** Retry-After time the run's Graph clients have waited so far (checkpoint `retryWaitMs`). */
export async function readRetryWaitMs(db: Conn, id: string): Promise<number> {
  const { rows } = await sql<{ ms: number | null }>`
    select (checkpoint ->> 'retryWaitMs')::bigint as ms from sync_runs where id = ${id}::uuid`.execute(db);
  return Number(rows[0]?.ms ?? 0);
}

/** Adds a Retry-After wait to the run's total, in one statement (concurrent clients add up). */
export async function addRetryWaitMs(db: Conn, id: string, ms: number): Promise<void> {
  await sql`
    update sync_runs set checkpoint = checkpoint || jsonb_build_object('retryWaitMs',
      coalesce((checkpoint ->> 'retryWaitMs')::bigint, 0) + ${Math.round(ms)}::bigint)
    where id = ${id}::uuid`.execute(db);
}
