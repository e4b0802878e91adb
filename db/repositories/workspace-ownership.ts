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

export interface WorkspaceScope {
  /** Ids that exist but belong to another workspace. Ids that do not exist are not reported. */
  foreign: ForeignId[];
  /** The operator disabled the workspace. */
  disabled: boolean;
}

/** Which of `ids` belong to a workspace other than `workspaceId`, and whether it is disabled: one query by primary keys. */
export async function readWorkspaceScope(
  db: Db,
  workspaceId: string,
  ids: ScopedIds,
): Promise<WorkspaceScope> {
  const { rows } = await sql<{ kind: ForeignId['kind'] | 'disabled workspace'; id: string }>`
    select 'disabled workspace' as kind, id::text from workspaces
      where id = ${workspaceId} and disabled_at is not null
    union all
    select 'sync run', id::text from sync_runs
      where id = any(${ids.syncRunIds}::uuid[]) and workspace_id <> ${workspaceId}
    union all
    select 'group', id::text from groups where id = any(${ids.groupIds}::uuid[]) and workspace_id <> ${workspaceId}
    union all
    select 'recipient', id::text from recipients
      where id = any(${ids.recipientIds}::uuid[]) and workspace_id <> ${workspaceId}`.execute(db);
  return {
    foreign: rows.filter((r): r is ForeignId => r.kind !== 'disabled workspace'),
    disabled: rows.some((r) => r.kind === 'disabled workspace'),
  };
}
