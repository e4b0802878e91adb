import { sql } from 'kysely';
import type { Conn, Db } from '../database';
import type { CardTemplate } from '../../domain/card';
import type { GroupRow } from '../schema';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from '../../domain/sync-options';
import { lockWorkspaceForSync } from './recipient-writes';

export type GroupWithCounts = GroupRow & { memberCount: number };

function selectGroups(db: Db, workspaceId: string) {
  return db
    .selectFrom('groups')
    .selectAll('groups')
    .select(
      sql<number>`(select count(*) from group_memberships gm where gm.group_id = groups.id)::int`.as(
        'memberCount',
      ),
    )
    .where('groups.workspaceId', '=', workspaceId);
}

export async function getGroup(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<GroupWithCounts | undefined> {
  return selectGroups(db, workspaceId).where('groups.id', '=', id).executeTakeFirst();
}

export async function findGroupByEntraId(
  db: Db,
  workspaceId: string,
  entraGroupId: string,
): Promise<GroupRow | undefined> {
  return db
    .selectFrom('groups')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('entraGroupId', '=', entraGroupId)
    .executeTakeFirst();
}

/** Ordered by id: stable under inserts and cheap to page by key. */
export async function listGroups(
  db: Db,
  workspaceId: string,
  page: { limit: number; afterId?: string },
): Promise<GroupWithCounts[]> {
  let query = selectGroups(db, workspaceId);
  if (page.afterId) query = query.where('groups.id', '>', page.afterId);
  return query
    .orderBy('groups.id')
    .limit(page.limit + 1)
    .execute();
}

/** Links an Entra group; undefined when the workspace has linked it already (unique constraint). */
export async function insertGroup(
  db: Db,
  group: {
    workspaceId: string;
    entraGroupId: string;
    name: string;
    description: string | null;
    syncOptions: SyncOptions;
    cardTemplate: CardTemplate;
  },
): Promise<GroupRow | undefined> {
  return db
    .insertInto('groups')
    .values({
      ...group,
      syncOptions: JSON.stringify(group.syncOptions),
      cardTemplate: JSON.stringify(group.cardTemplate),
    })
    .onConflict((oc) => oc.columns(['workspaceId', 'entraGroupId']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function updateGroup(
  db: Db,
  workspaceId: string,
  id: string,
  changes: { name?: string; syncOptions?: SyncOptions; cardTemplate?: CardTemplate },
): Promise<void> {
  await db
    .updateTable('groups')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.syncOptions ? { syncOptions: JSON.stringify(changes.syncOptions) } : {}),
      ...(changes.cardTemplate ? { cardTemplate: JSON.stringify(changes.cardTemplate) } : {}),
      updatedAt: new Date(),
    })
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/**
 * Unlinks: memberships, the group's cards (with their versions and events) and schedules go with
 * it. Under the workspace's sync lock, so no sync writes a card or membership of the group while it
 * goes (cards and memberships cascade by trigger, not by foreign key: see migration 0009).
 */
export async function deleteGroup(db: Db, workspaceId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockWorkspaceForSync(trx, workspaceId);
    const result = await trx
      .deleteFrom('groups')
      .where('workspaceId', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}

/** Which of these Entra group ids the workspace has linked, for the directory preview. */
export async function linkedGroupIds(
  db: Db,
  workspaceId: string,
  entraGroupIds: string[],
): Promise<Map<string, string>> {
  if (entraGroupIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('groups')
    .select(['id', 'entraGroupId'])
    .where('workspaceId', '=', workspaceId)
    .where('entraGroupId', 'in', entraGroupIds)
    .execute();
  return new Map(rows.map((r) => [r.entraGroupId, r.id]));
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
