import { sql, type Transaction } from 'kysely';
import type { Db } from '../database';
import type { CardStatus, CardTemplate, Database, RecipientStatus, SyncOptions } from '../schema';
import { PROFILE_COLUMNS, type ProfileValues } from '../../sync/apply-field-settings';
import type { CardTarget, CardWrite } from '../../sync/plan-card-write';

type Conn = Db | Transaction<Database>;

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const profileSelect = sql.raw(PROFILE_COLUMNS.map((c) => `r.${snake(c)}`).join(', '));

interface TargetRow extends Record<string, unknown> {
  recipientId: string;
  groupId: string;
  recipientStatus: RecipientStatus;
  customFields: Record<string, string | null>;
  cardTemplate: CardTemplate;
  syncOptions: SyncOptions;
  isMember: boolean;
  cardId: string | null;
  cardVersion: number | null;
  cardStatus: CardStatus | null;
  cardContentHash: string | null;
  cardContent: Record<string, unknown> | null;
  photoHash: string | null;
  photoType: string | null;
}

/**
 * Every (recipient, group) pair of these recipients that has a membership or a card, in any group
 * of the workspace, with what deciding the card's next state needs. One query per chunk.
 */
export async function loadCardTargets(
  db: Conn,
  workspaceId: string,
  recipientIds: string[],
): Promise<CardTarget[]> {
  if (!recipientIds.length) return [];
  const { rows } = await sql<TargetRow>`
    with ids as (select unnest(${recipientIds}::uuid[]) as id),
    pairs as (
      select gm.recipient_id, gm.group_id from group_memberships gm join ids on gm.recipient_id = ids.id
      union
      select c.recipient_id, c.group_id from cards c join ids on c.recipient_id = ids.id
    )
    select p.recipient_id, p.group_id, r.status as recipient_status, ${profileSelect}, r.custom_fields,
           g.card_template, g.sync_options, (gm.recipient_id is not null) as is_member,
           c.id as card_id, c.version as card_version, c.status as card_status, c.content_hash as card_content_hash,
           c.content as card_content, ph.content_hash as photo_hash, ph.content_type as photo_type
    from pairs p
    join recipients r on r.id = p.recipient_id and r.workspace_id = ${workspaceId}
    join groups g on g.id = p.group_id
    left join group_memberships gm on gm.group_id = p.group_id and gm.recipient_id = p.recipient_id
    left join cards c on c.group_id = p.group_id and c.recipient_id = p.recipient_id
    left join recipient_photos ph on ph.recipient_id = r.id
    order by p.recipient_id, p.group_id`.execute(db);
  return rows.map((row) => ({
    recipientId: row.recipientId,
    groupId: row.groupId,
    recipientActive: row.recipientStatus === 'active',
    isMember: row.isMember,
    createCards: row.syncOptions.createCardsForNewMembers !== false,
    template: row.cardTemplate,
    source: {
      values: Object.fromEntries(
        PROFILE_COLUMNS.map((c) => [c, (row[c] as string | null) ?? null]),
      ) as ProfileValues,
      customFields: row.customFields ?? {},
    },
    photo: row.photoHash && row.photoType ? { contentHash: row.photoHash, contentType: row.photoType } : null,
    card:
      row.cardId === null
        ? null
        : {
            id: row.cardId,
            version: row.cardVersion!,
            status: row.cardStatus!,
            contentHash: row.cardContentHash!,
            content: row.cardContent ?? {},
          },
  }));
}

/**
 * Writes card decisions: the card row, its version and its outbox event, each keyed so a repeat
 * changes nothing (cards by recipient+group, versions and events by card+version).
 */
export async function writeCards(
  db: Conn,
  workspaceId: string,
  syncRunId: string | null,
  writes: CardWrite[],
): Promise<void> {
  if (!writes.length) return;
  const records = writes.map((w) => ({
    card_id: w.cardId,
    recipient_id: w.recipientId,
    group_id: w.groupId,
    version: w.version,
    status: w.status,
    content: w.content,
    content_hash: w.contentHash,
    event: w.event,
    is_new: w.kind === 'create',
  }));
  const rs = sql`jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
    as v(card_id uuid, recipient_id uuid, group_id uuid, version int, status text, content jsonb, content_hash text, event text, is_new boolean)`;
  await sql`
    insert into cards (id, workspace_id, recipient_id, group_id, status, version, content, content_hash)
    select v.card_id, ${workspaceId}::uuid, v.recipient_id, v.group_id, v.status, v.version, v.content, v.content_hash
    from ${rs} where v.is_new
    on conflict (recipient_id, group_id) do nothing`.execute(db);
  await sql`
    update cards c set version = v.version, status = v.status, content = v.content, content_hash = v.content_hash, updated_at = now()
    from ${rs} where not v.is_new and c.id = v.card_id and c.version = v.version - 1`.execute(db);
  await sql`
    insert into card_versions (card_id, version, status, content, content_hash, sync_run_id)
    select v.card_id, v.version, v.status, v.content, v.content_hash, ${syncRunId}::uuid from ${rs}
    on conflict do nothing`.execute(db);
  await sql`
    insert into card_events (workspace_id, card_id, version, type, content, sync_run_id)
    select ${workspaceId}::uuid, v.card_id, v.version, v.event, v.content, ${syncRunId}::uuid from ${rs}
    on conflict (card_id, version) do nothing`.execute(db);
}

/** Recipients whose cards a group sync reconciles, after `after`: its members, its cards' holders, and everyone the run touched. */
export async function readGroupCardRecipients(
  db: Conn,
  groupId: string,
  syncRunId: string,
  after: string,
  limit: number,
): Promise<string[]> {
  const { rows } = await sql<{ recipientId: string }>`
    select recipient_id from (
      select recipient_id from group_memberships where group_id = ${groupId} and recipient_id > ${after}::uuid
      union
      select recipient_id from cards where group_id = ${groupId} and recipient_id > ${after}::uuid
      union
      select recipient_id from sync_staged_members
      where sync_run_id = ${syncRunId} and recipient_id is not null and recipient_id > ${after}::uuid
    ) x
    order by recipient_id
    limit ${limit}`.execute(db);
  return rows.map((r) => r.recipientId);
}

/**
 * Recipients a delta run touched, after `after`: a delta run reconciles only their cards (every card
 * of theirs, in any group); the cards of untouched members were brought to their due state before.
 */
export async function readRunCardRecipients(
  db: Conn,
  syncRunId: string,
  after: string,
  limit: number,
): Promise<string[]> {
  const { rows } = await sql<{ recipientId: string }>`
    select distinct recipient_id from sync_staged_members
    where sync_run_id = ${syncRunId} and recipient_id is not null and recipient_id > ${after}::uuid
    order by recipient_id
    limit ${limit}`.execute(db);
  return rows.map((r) => r.recipientId);
}
