import { sql } from 'kysely';
import type { Db } from '../database';

export interface ScopedIds {
  syncRunIds: string[];
  groupIds: string[];
  recipientIds: string[];
}

export interface ForeignId {
  kind: 'sync run' | 'group' | 'recipient';
  id: string;
}

/**
 * The ids that exist but belong to a workspace other than `workspaceId`, in one query by primary
 * key. Ids that do not exist are not reported: the caller decides what a missing row means.
 */
export async function findForeignIds(db: Db, workspaceId: string, ids: ScopedIds): Promise<ForeignId[]> {
  if (!ids.syncRunIds.length && !ids.groupIds.length && !ids.recipientIds.length) return [];
  const { rows } = await sql<ForeignId>`
    select 'sync run' as kind, id::text from sync_runs
      where id = any(${ids.syncRunIds}::uuid[]) and workspace_id <> ${workspaceId}
    union all
    select 'group', id::text from groups where id = any(${ids.groupIds}::uuid[]) and workspace_id <> ${workspaceId}
    union all
    select 'recipient', id::text from recipients
      where id = any(${ids.recipientIds}::uuid[]) and workspace_id <> ${workspaceId}`.execute(db);
  return rows;
}
