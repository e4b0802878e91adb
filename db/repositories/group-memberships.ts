import { sql } from 'kysely';
import type { Conn } from '../database';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from '../../domain/sync-options';

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

export async function membersOfGroup(
  trx: Conn,
  groupId: string,
  recipientIds: string[],
): Promise<Set<string>> {
  if (!recipientIds.length) return new Set();
  const rows = await trx
    .selectFrom('groupMemberships')
    .select('recipientId')
    .where('groupId', '=', groupId)
    .where(sql<boolean>`recipient_id = any(${recipientIds}::uuid[])`)
    .execute();
  return new Set(rows.map((r) => r.recipientId));
}
