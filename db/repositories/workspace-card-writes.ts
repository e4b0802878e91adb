import { sql } from 'kysely';
import type { CardTemplate } from '../../domain/card';
import type { CardTarget, CardWrite } from '../../domain/plan-card-write';
import type { Conn } from '../database';
import { cardWriteRecords, writtenVersionsAndEvents } from './card-write-tail';
import { CARD_SOURCE_KEY } from './card-source-key';
import { profileSelect, recipientAndCardOf, type CardTargetRow } from './card-target-row';
import { workspaceTemplateRow } from './workspace-card-template';

/**
 * Workspace cards: one per recipient at most, of no group, rendered from the workspace's template
 * and active exactly while the recipient is. They sit beside the group cards' statements
 * (card-writes.ts) so the group path, tuned for whole groups, reads and writes as before.
 */

interface TargetRow extends CardTargetRow {
  template: CardTemplate;
}

/**
 * The workspace cards of these recipients, as card targets; with `create`, also a target for each
 * recipient without one (so the decision creates it). Without `create` the read starts from the
 * workspace-card index, which most recipients are not in.
 */
export async function loadWorkspaceCardTargets(
  db: Conn,
  workspaceId: string,
  recipientIds: string[],
  opts: { create?: boolean } = {},
): Promise<CardTarget[]> {
  if (!recipientIds.length) return [];
  // Most workspaces have no workspace card: one probe of the index answers that before the
  // chunk's ids are sent again.
  if (!opts.create && !(await hasWorkspaceCards(db, workspaceId))) return [];
  const [tables, filter] = opts.create
    ? [
        sql`recipients r left join cards c
          on c.workspace_id = r.workspace_id and c.recipient_id = r.id and c.group_id is null`,
        sql`r.workspace_id = ${workspaceId}::uuid and r.id = any(${recipientIds}::uuid[])`,
      ]
    : [
        sql`cards c join recipients r on r.id = c.recipient_id`,
        sql`c.workspace_id = ${workspaceId}::uuid and c.group_id is null and c.recipient_id = any(${recipientIds}::uuid[])`,
      ];
  const result = await sql<TargetRow>`
    select r.id as recipient_id, r.status as recipient_status, ${profileSelect}, r.custom_fields,
           c.id as card_id, c.version as card_version, c.status as card_status, c.content_hash as card_content_hash,
           c.content as card_content, c.source_key as card_source_key,
           ph.content_hash as photo_hash, ph.content_type as photo_type, ${CARD_SOURCE_KEY} as source_key,
           g.card_template as template
    from ${workspaceTemplateRow(workspaceId)} g cross join ${tables}
    left join recipient_photos ph on ph.recipient_id = r.id
    where ${filter}
    order by r.id`.execute(db);
  // The template comes with the rows (the one row of `g`): no read of its own.
  const template = result.rows[0]?.template;
  return result.rows.map((row) => toTarget(row, template!, opts.create === true));
}

async function hasWorkspaceCards(db: Conn, workspaceId: string): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    select exists (select 1 from cards where workspace_id = ${workspaceId}::uuid and group_id is null) as found`.execute(
    db,
  );
  return rows[0]?.found ?? false;
}

function toTarget(row: TargetRow, template: CardTemplate, create: boolean): CardTarget {
  return { ...recipientAndCardOf(row), groupId: null, isMember: true, createCards: create, template };
}

/**
 * Writes workspace-card decisions in one statement, each only while what it was decided from
 * still holds (as writeCards does for group cards): the recipient is active exactly when the card
 * is to be, an active card's inputs (recipient fields, the workspace's template, photo) still have
 * the key it was rendered from, an update replaces the version it was decided over, and a new card
 * is still missing. A card another writer created first fails the statement with a unique
 * violation of `cards_workspace_card`.
 */
export async function writeWorkspaceCards(
  db: Conn,
  workspaceId: string,
  syncRunId: string | null,
  writes: CardWrite[],
): Promise<Partial<Record<CardWrite['kind'], number>>> {
  if (!writes.length) return {};
  const records = cardWriteRecords(writes);
  const { rows } = await sql<{ kind: CardWrite['kind']; n: number }>`
    with v as materialized (
      select * from jsonb_to_recordset(${records}::jsonb) as v(card_id uuid, recipient_id uuid,
        version int, status text, content jsonb, content_hash text, source_key text, kind text, event text, slug_key text)
    ),
    g as materialized (select template_key from ${workspaceTemplateRow(workspaceId)} t),
    fresh as (
      select v.* from v cross join g
      join recipients r on r.id = v.recipient_id and r.workspace_id = ${workspaceId}::uuid
      left join recipient_photos ph on ph.recipient_id = v.recipient_id
      where (r.status = 'active') = (v.status = 'active')
        and (v.status <> 'active' or ${CARD_SOURCE_KEY} = v.source_key)
    ),
    created as (
      insert into cards (id, workspace_id, recipient_id, group_id, status, version, content, content_hash, source_key, slug_key)
      select v.card_id, ${workspaceId}::uuid, v.recipient_id, null, v.status, v.version, v.content, v.content_hash, v.source_key,
        decode(v.slug_key, 'hex')
      from fresh v where v.kind = 'create'
        and not exists (
          select 1 from cards x
          where x.workspace_id = ${workspaceId}::uuid and x.recipient_id = v.recipient_id and x.group_id is null)
      returning id, slug_key, created_at, updated_at
    ),
    updated as (
      update cards c set version = v.version, status = v.status, content = v.content, content_hash = v.content_hash,
        source_key = v.source_key, updated_at = now()
      from fresh v where v.kind <> 'create' and c.id = v.card_id and c.version = v.version - 1 and c.group_id is null
      returning c.id, c.slug_key, c.created_at, c.updated_at
    ),
    ${writtenVersionsAndEvents(workspaceId, syncRunId, sql`null::uuid`)}`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/**
 * The next recipients after `after` whose workspace card is not rendered from the current
 * template and values (its key is out of date), or whose active state is not the recipient's.
 */
export async function staleWorkspaceCardRecipients(
  db: Conn,
  workspaceId: string,
  after: string,
  limit: number,
): Promise<string[]> {
  const { rows } = await sql<{ recipientId: string }>`
    select c.recipient_id from cards c
    cross join ${workspaceTemplateRow(workspaceId)} g
    join recipients r on r.id = c.recipient_id
    left join recipient_photos ph on ph.recipient_id = r.id
    where c.workspace_id = ${workspaceId}::uuid and c.group_id is null and c.recipient_id > ${after}::uuid
      and ((r.status = 'active') <> (c.status = 'active')
        or (r.status = 'active' and c.source_key is distinct from ${CARD_SOURCE_KEY}))
    order by c.recipient_id
    limit ${limit}`.execute(db);
  return rows.map((r) => r.recipientId);
}

/** The recipient's workspace card id, if it has one. */
export async function findWorkspaceCardId(
  db: Conn,
  workspaceId: string,
  recipientId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('cards')
    .select('id')
    .where('workspaceId', '=', workspaceId)
    .where('recipientId', '=', recipientId)
    .where('groupId', 'is', null)
    .executeTakeFirst();
  return row?.id;
}
