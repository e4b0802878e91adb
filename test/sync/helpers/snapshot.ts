import { sql } from 'kysely';
import type { Db } from '../../../db/database';

/**
 * A workspace's synced state keyed by Entra ids (not by generated uuids), so two workspaces synced
 * from the same directory can be compared for equality.
 */
export async function workspaceState(db: Db, workspaceId: string) {
  const recipients = await db
    .selectFrom('recipients')
    .select([
      'entraUserId',
      'status',
      'statusReason',
      'email',
      'firstName',
      'lastName',
      'displayName',
      'jobTitle',
      'department',
      'companyName',
      'officeLocation',
      'mobilePhone',
      'businessPhone',
      'employeeId',
      'city',
      'country',
      'customFields',
      'photoHash',
    ]) // prettier-ignore
    .where('workspaceId', '=', workspaceId)
    .orderBy('entraUserId')
    .execute();
  const { rows: memberships } = await sql<{ entraGroupId: string; entraUserId: string }>`
    select g.entra_group_id, r.entra_user_id from group_memberships gm
    join groups g on g.id = gm.group_id join recipients r on r.id = gm.recipient_id
    where g.workspace_id = ${workspaceId} order by 1, 2`.execute(db);
  const { rows: cards } = await sql<{
    entraUserId: string;
    entraGroupId: string;
    status: string;
    version: number;
    contentHash: string;
  }>`
    select r.entra_user_id, g.entra_group_id, c.status, c.version, c.content_hash from cards c
    join recipients r on r.id = c.recipient_id join groups g on g.id = c.group_id
    where c.workspace_id = ${workspaceId} order by 1, 2`.execute(db);
  const { rows: versions } = await sql<{
    entraUserId: string;
    version: number;
    status: string;
    contentHash: string;
  }>`
    select r.entra_user_id, v.version, v.status, v.content_hash from card_versions v
    join cards c on c.id = v.card_id join recipients r on r.id = c.recipient_id
    where c.workspace_id = ${workspaceId} order by 1, 2`.execute(db);
  const { rows: events } = await sql<{ entraUserId: string; version: number; type: string }>`
    select r.entra_user_id, e.card_version as version, e.type from events e
    join cards c on c.id = e.card_id join recipients r on r.id = c.recipient_id
    where e.workspace_id = ${workspaceId} and e.type like 'card.%' order by 1, 2`.execute(db);
  const { rows: changes } = await sql<{
    entraUserId: string | null;
    action: string;
    field: string | null;
    n: number;
  }>`
    select entra_user_id, action, field, count(*)::int as n from recipient_changes
    where workspace_id = ${workspaceId} group by 1, 2, 3 order by 1, 2, 3`.execute(db);
  return { recipients, memberships, cards, versions, events, changes };
}

export async function countRows(db: Db, workspaceId: string) {
  const { rows } = await sql<{
    recipients: number;
    cards: number;
    versions: number;
    events: number;
    changes: number;
    memberships: number;
  }>`
    select
      (select count(*)::int from recipients where workspace_id = ${workspaceId}) as recipients,
      (select count(*)::int from cards where workspace_id = ${workspaceId}) as cards,
      (select count(*)::int from card_versions v join cards c on c.id = v.card_id where c.workspace_id = ${workspaceId}) as versions,
      (select count(*)::int from events where workspace_id = ${workspaceId} and type like 'card.%') as events,
      (select count(*)::int from recipient_changes where workspace_id = ${workspaceId} and not planned) as changes,
      (select count(*)::int from group_memberships gm join groups g on g.id = gm.group_id where g.workspace_id = ${workspaceId}) as memberships
  `.execute(db);
  return rows[0]!;
}

export async function recipientByEntraId(db: Db, workspaceId: string, entraUserId: string) {
  return db
    .selectFrom('recipients')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('entraUserId', '=', entraUserId)
    .executeTakeFirst();
}

export async function cardOf(db: Db, recipientId: string, groupId: string) {
  return db
    .selectFrom('cards')
    .selectAll()
    .where('recipientId', '=', recipientId)
    .where('groupId', '=', groupId)
    .executeTakeFirst();
}

export async function changesOfRun(db: Db, syncRunId: string) {
  return db
    .selectFrom('recipientChanges')
    .selectAll()
    .where('syncRunId', '=', syncRunId)
    .orderBy('id')
    .execute();
}
