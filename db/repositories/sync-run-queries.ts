import { sql } from 'kysely';
import type { Db } from '../database';
import type { NewSyncRun, SyncRunRow } from '../schema';
import type { SyncRunKind, SyncRunStatus, SyncTrigger } from '../../contracts/sync-runs';

/** A run row plus its sort key as Postgres text, so keyset paging keeps microsecond precision. */
export type SyncRunListRow = SyncRunRow & { startedAtKey: string };

export interface SyncRunFilter {
  groupId?: string;
  recipientId?: string;
  status?: SyncRunStatus;
  kind?: SyncRunKind;
  trigger?: SyncTrigger;
}

/** The API writes the run record before starting the workflow, so the run has an id to answer with. */
export async function insertSyncRun(db: Db, run: NewSyncRun & { id: string }): Promise<void> {
  await db.insertInto('syncRuns').values(run).execute();
}

/** Undoes insertSyncRun when Temporal refused the start (already running, or unreachable). */
export async function deleteSyncRun(db: Db, id: string): Promise<void> {
  await db.deleteFrom('syncRuns').where('id', '=', id).execute();
}

export async function setTemporalRunId(db: Db, id: string, temporalRunId: string): Promise<void> {
  await db
    .updateTable('syncRuns')
    .set({ temporalRunId })
    .where('id', '=', id)
    .where('temporalRunId', 'is', null)
    .execute();
}

/** The newest unfinished run of a workflow id: the one a second start collides with. */
export async function findActiveRunByWorkflowId(
  db: Db,
  workspaceId: string,
  workflowId: string,
): Promise<SyncRunRow | undefined> {
  return db
    .selectFrom('syncRuns')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('workflowId', '=', workflowId)
    .where('status', 'in', ['running', 'waiting_approval'])
    .orderBy('startedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function findActiveRunForGroup(
  db: Db,
  workspaceId: string,
  groupId: string,
  kind?: SyncRunKind,
): Promise<SyncRunRow | undefined> {
  let query = db
    .selectFrom('syncRuns')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('groupId', '=', groupId);
  // A group's sync and its preview may run side by side: a start collides with its own kind only.
  if (kind) query = query.where('kind', '=', kind);
  return query
    .where('status', 'in', ['running', 'waiting_approval'])
    .orderBy('startedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function findActiveWorkspaceRun(db: Db, workspaceId: string): Promise<SyncRunRow | undefined> {
  return db
    .selectFrom('syncRuns')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('kind', '=', 'workspace')
    .where('status', 'in', ['running', 'waiting_approval'])
    .orderBy('startedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function getSyncRun(db: Db, workspaceId: string, id: string): Promise<SyncRunRow | undefined> {
  return db
    .selectFrom('syncRuns')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Newest first; `after` is the previous page's last (startedAtKey, id). */
export async function listSyncRuns(
  db: Db,
  workspaceId: string,
  filter: SyncRunFilter,
  page: { limit: number; after?: { startedAt: string; id: string } },
): Promise<SyncRunListRow[]> {
  let query = db
    .selectFrom('syncRuns')
    .selectAll()
    .select(sql<string>`started_at::text`.as('startedAtKey'))
    .where('workspaceId', '=', workspaceId);
  if (filter.groupId) query = query.where('groupId', '=', filter.groupId);
  if (filter.recipientId) query = query.where('recipientId', '=', filter.recipientId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.trigger) query = query.where('trigger', '=', filter.trigger);
  if (page.after) {
    query = query.where(
      sql<boolean>`(started_at, id) < (${page.after.startedAt}::timestamptz, ${page.after.id}::uuid)`,
    );
  }
  return query
    .orderBy('startedAt', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
}

/** Per-recipient changes of one run, in the order they were recorded. */
export async function listRunChanges(
  db: Db,
  workspaceId: string,
  syncRunId: string,
  page: { limit: number; afterId?: number },
) {
  let query = db
    .selectFrom('recipientChanges')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('syncRunId', '=', syncRunId);
  if (page.afterId !== undefined) query = query.where('id', '>', String(page.afterId));
  return query
    .orderBy('id', 'asc')
    .limit(page.limit + 1)
    .execute();
}

/** Only moves a run that is still unfinished: a worker that already finished it wins. */
export async function markRunCanceled(db: Db, id: string, message: string): Promise<void> {
  await db
    .updateTable('syncRuns')
    .set({ status: 'canceled', finishedAt: new Date(), error: JSON.stringify({ code: 'canceled', message }) })
    .where('id', '=', id)
    .where('status', 'in', ['running', 'waiting_approval'])
    .execute();
}

export interface RunCountRow {
  kind: string;
  trigger: string;
  status: string;
  count: number;
}

/** Every workspace's runs by kind, trigger and status: the metrics read the worker's work from here. */
export async function countRunsByKindTriggerStatus(db: Db): Promise<RunCountRow[]> {
  return db
    .selectFrom('syncRuns')
    .select(['kind', 'trigger', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(['kind', 'trigger', 'status'])
    .execute();
}

export interface FinishedRunRow {
  id: string;
  kind: string;
  status: string;
  seconds: number;
  finishedAtKey: string;
}

/** Runs finished after a (finished_at, id) watermark, oldest first, for the duration histogram. */
export async function listRunsFinishedAfter(
  db: Db,
  after: { finishedAt: string; id: string },
  limit: number,
): Promise<FinishedRunRow[]> {
  const { rows } = await sql<FinishedRunRow>`
    select id, kind, status,
           extract(epoch from (finished_at - started_at))::float8 as seconds,
           finished_at::text as finished_at_key
      from sync_runs
     where finished_at is not null
       and (finished_at, id) > (${after.finishedAt}::timestamptz, ${after.id}::uuid)
     order by finished_at, id
     limit ${limit}`.execute(db);
  return rows;
}
