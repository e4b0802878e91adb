import type { Selectable } from 'kysely';
import type { Db } from '../db/database';
import type { SchedulesTable } from '../db/schema';
import type { ScheduleWhen } from './spec';

/** The workspace's record of a Temporal Schedule: who owns it, and the spec as the user gave it. */
export type ScheduleRow = Omit<Selectable<SchedulesTable>, 'spec'> & { spec: ScheduleWhen };

export interface NewScheduleRow {
  id: string;
  workspaceId: string;
  /** null: a workspace-wide schedule (every linked group). */
  groupId: string | null;
  temporalScheduleId: string;
  spec: ScheduleWhen;
  timezone: string;
  note: string | null;
}

export async function insertSchedule(db: Db, row: NewScheduleRow): Promise<ScheduleRow> {
  const inserted = await db
    .insertInto('schedules')
    .values({ ...row, spec: JSON.stringify(row.spec) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return inserted as ScheduleRow;
}

export interface ScheduleFilter {
  groupId?: string;
  scope?: 'group' | 'workspace';
}

export async function getSchedule(db: Db, workspaceId: string, id: string): Promise<ScheduleRow | undefined> {
  const row = await db
    .selectFrom('schedules')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row as ScheduleRow | undefined;
}

/** Ordered by id (stable, cheap to page by key); filtered by group, or by scope. */
export async function listSchedules(
  db: Db,
  workspaceId: string,
  filter: ScheduleFilter,
  page: { limit: number; afterId?: string },
): Promise<ScheduleRow[]> {
  let query = db.selectFrom('schedules').selectAll().where('workspaceId', '=', workspaceId);
  if (filter.groupId !== undefined) query = query.where('groupId', '=', filter.groupId);
  if (filter.scope === 'workspace') query = query.where('groupId', 'is', null);
  if (filter.scope === 'group') query = query.where('groupId', 'is not', null);
  if (page.afterId) query = query.where('id', '>', page.afterId);
  const rows = await query
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  return rows as ScheduleRow[];
}

/** Every schedule of a group (its unlink removes them); groups hold a handful at most. */
export async function listGroupSchedules(
  db: Db,
  workspaceId: string,
  groupId: string,
): Promise<ScheduleRow[]> {
  const rows = await db
    .selectFrom('schedules')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('groupId', '=', groupId)
    .execute();
  return rows as ScheduleRow[];
}

export async function deleteScheduleRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.deleteFrom('schedules').where('workspaceId', '=', workspaceId).where('id', '=', id).execute();
}
