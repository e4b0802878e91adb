import { sql, type Transaction } from 'kysely';
import type { Db } from '../database';
import type { Database, GroupRow } from '../schema';
import type { RecipientStatus } from '../../domain/recipient';
import type { SyncOptions } from '../../domain/sync-options';
import { effectiveFieldSettings } from '../../domain/field-settings';
import { DEFAULT_SYNC_OPTIONS } from '../../domain/sync-options';
import { type FieldSetting } from '../../domain/fields';

type Conn = Db | Transaction<Database>;

/** The Field Settings a sync applies (the defaults while the workspace has saved none). */
export async function loadSyncFieldSettings(db: Conn, workspaceId: string): Promise<FieldSetting[]> {
  const rows = await db
    .selectFrom('fieldSettings')
    .select(['field', 'source', 'sync', 'overwrite'])
    .where('workspaceId', '=', workspaceId)
    .execute();
  return effectiveFieldSettings(rows);
}

export type SyncGroup = GroupRow & { syncOptions: SyncOptions };

/** The linked group with its options completed by the defaults. */
export async function loadSyncGroup(
  db: Conn,
  workspaceId: string,
  groupId: string,
): Promise<SyncGroup | null> {
  const row = await db
    .selectFrom('groups')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (!row) return null;
  return { ...row, syncOptions: { ...DEFAULT_SYNC_OPTIONS, ...row.syncOptions } };
}

/** A group sync also refreshes the linked group's name and description from Entra. */
export async function refreshGroupInfo(
  db: Conn,
  groupId: string,
  name: string | null,
  description: string | null,
): Promise<void> {
  await db
    .updateTable('groups')
    .set({ ...(name ? { name } : {}), description, updatedAt: new Date() })
    .where('id', '=', groupId)
    .where(sql<boolean>`(name, description) is distinct from (coalesce(${name}, name), ${description}::text)`)
    .execute();
}

/** Whether the group has any member (recipient with a membership) at all. */
export async function hasMembers(db: Conn, groupId: string): Promise<boolean> {
  const row = await db
    .selectFrom('groupMemberships')
    .select('recipientId')
    .where('groupId', '=', groupId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countMembers(db: Conn, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('groupMemberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('groupId', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Members of the group (linked to Entra) that this run did not stage: they left the group or the directory. */
export async function readDepartedCandidates(
  db: Conn,
  groupId: string,
  syncRunId: string,
  after: string,
  limit: number,
): Promise<Array<{ recipientId: string; entraUserId: string }>> {
  const { rows } = await sql<{ recipientId: string; entraUserId: string }>`
    select r.id as recipient_id, r.entra_user_id
    from group_memberships gm
    join recipients r on r.id = gm.recipient_id
    where gm.group_id = ${groupId} and r.entra_user_id is not null and r.entra_user_id > ${after}
      and not exists (select 1 from sync_staged_members s where s.sync_run_id = ${syncRunId} and s.entra_user_id = r.entra_user_id)
    order by r.entra_user_id
    limit ${limit}`.execute(db);
  return rows;
}

export interface CleanupTally {
  kind: 'disabled' | 'removed' | 'deleted';
  status: RecipientStatus;
  isMember: boolean;
  n: number;
}

/** Cleanup cases of the run, grouped by what decides their effect (for the deletion threshold). */
export async function tallyCleanupCases(
  db: Conn,
  workspaceId: string,
  groupId: string,
  syncRunId: string,
): Promise<CleanupTally[]> {
  const { rows } = await sql<CleanupTally>`
    select case when s.change = 'present' then 'disabled' else s.change end as kind, r.status,
           (gm.recipient_id is not null) as is_member, count(*)::int as n
    from sync_staged_members s
    join recipients r on r.workspace_id = ${workspaceId} and r.entra_user_id = s.entra_user_id
    left join group_memberships gm on gm.group_id = ${groupId} and gm.recipient_id = r.id
    where s.sync_run_id = ${syncRunId} and (s.change <> 'present' or s.data ->> 'accountEnabled' = 'false')
    group by 1, 2, 3`.execute(db);
  return rows;
}

/** The Sync Options of every group the recipient belongs to. */
export async function optionsOfRecipientGroups(
  db: Conn,
  recipientIds: string[],
): Promise<Map<string, SyncOptions[]>> {
  const map = new Map<string, SyncOptions[]>();
  if (!recipientIds.length) return map;
  const rows = await db
    .selectFrom('groupMemberships as gm')
    .innerJoin('groups as g', 'g.id', 'gm.groupId')
    .select(['gm.recipientId', 'g.syncOptions'])
    .where(sql<boolean>`gm.recipient_id = any(${recipientIds}::uuid[])`)
    .execute();
  for (const r of rows) {
    const list = map.get(r.recipientId) ?? [];
    list.push({ ...DEFAULT_SYNC_OPTIONS, ...r.syncOptions });
    map.set(r.recipientId, list);
  }
  return map;
}
