import type { Conn } from '../database';
import { cardWriteRecords, writtenVersionsAndEvents } from './card-write-tail';
import { sql } from 'kysely';
import type { CardTemplate } from '../../domain/card';
import type { SyncOptions } from '../../domain/sync-options';
import type { CardTarget, CardWrite } from '../../domain/plan-card-write';
import { CARD_SOURCE_KEY, TEMPLATE_KEY } from './card-source-key';
import { profileSelect, recipientAndCardOf, type CardTargetRow } from './card-target-row';
import { loadWorkspaceCardTargets, writeWorkspaceCards } from './workspace-card-writes';

interface TargetRow extends CardTargetRow {
  groupId: string;
  isMember: boolean;
}

/**
 * Every (recipient, group) pair of these recipients that has a membership or a card, in any group
 * of the workspace, then their workspace cards (a workspace card for each, with
 * `createWorkspaceCards`), with what deciding the card's next state needs: three queries per chunk
 * (the pairs, their groups' templates once each, the workspace cards).
 */
export async function loadCardTargets(
  db: Conn,
  workspaceId: string,
  recipientIds: string[],
  opts: { createWorkspaceCards?: boolean } = {},
): Promise<CardTarget[]> {
  if (!recipientIds.length) return [];
  const groupTargets = await loadGroupCardTargets(db, workspaceId, recipientIds);
  const workspaceTargets = await loadWorkspaceCardTargets(db, workspaceId, recipientIds, {
    create: opts.createWorkspaceCards,
  });
  return workspaceTargets.length ? [...groupTargets, ...workspaceTargets] : groupTargets;
}

async function loadGroupCardTargets(
  db: Conn,
  workspaceId: string,
  recipientIds: string[],
): Promise<CardTarget[]> {
  // Lateral joins fenced with `offset 0` (so the planner cannot flatten them into scans of the
  // whole table) keep this a handful of index lookups per recipient, whatever the tables' size and
  // however stale their statistics (a first sync grows them from nothing): the recipient's
  // memberships and cards, fully joined by group (a member without a card, a card of a former
  // member), and the photo.
  const { rows } = await sql<TargetRow>`
    select r.id as recipient_id, p.group_id, r.status as recipient_status, ${profileSelect}, r.custom_fields,
           p.is_member, p.card_id, p.card_version, p.card_status, p.card_content_hash, p.card_content,
           p.card_source_key, ph.content_hash as photo_hash, ph.content_type as photo_type, ${CARD_SOURCE_KEY} as source_key
    from recipients r
    cross join lateral (
      select coalesce(gm.group_id, c.group_id) as group_id, gm.group_id is not null as is_member,
             c.id as card_id, c.version as card_version, c.status as card_status, c.content_hash as card_content_hash,
             c.content as card_content, c.source_key as card_source_key
      from (select group_id from group_memberships where recipient_id = r.id) gm
      full join (select id, group_id, version, status, content_hash, content, source_key from cards where recipient_id = r.id) c
        on c.group_id = gm.group_id
      offset 0
    ) p
    join (select id, ${TEMPLATE_KEY} as template_key from groups) g on g.id = p.group_id
    left join lateral (select * from recipient_photos ph where ph.recipient_id = r.id offset 0) ph on true
    where r.workspace_id = ${workspaceId}::uuid and r.id = any(${recipientIds}::uuid[])
    order by r.id, p.group_id`.execute(db);
  // Each group's template and options once, not once per row (the JSON parse was a third of the read).
  const groupIds = [...new Set(rows.map((r) => r.groupId))];
  const groups = new Map(
    (
      await db
        .selectFrom('groups')
        .select(['id', 'cardTemplate', 'syncOptions'])
        .where('id', 'in', groupIds.length ? groupIds : [NO_GROUP])
        .execute()
    ).map((g) => [g.id, g]),
  );
  return rows.flatMap((row) => {
    const group = groups.get(row.groupId);
    // Unlinked between the two reads: its cards and memberships went with it.
    if (!group) return [];
    return [toTarget(row, group.cardTemplate, group.syncOptions)];
  });
}

const NO_GROUP = '00000000-0000-0000-0000-000000000000';

function toTarget(row: TargetRow, template: CardTemplate, syncOptions: SyncOptions): CardTarget {
  return {
    ...recipientAndCardOf(row),
    groupId: row.groupId,
    isMember: row.isMember,
    createCards: syncOptions.createCardsForNewMembers !== false,
    template,
  };
}

/** How many cards of each kind of decision were written. */
export type WrittenCards = Partial<Record<CardWrite['kind'], number>>;

/**
 * Writes card decisions in one statement: the card row, then a version and an event (table
 * `events`) for each card row actually written. A decision is written only while what it was
 * made from still holds, checked in the statement itself:
 * - the card's inputs still have the key it was rendered from (recipient fields, template, photo);
 * - the recipient is still an active member exactly when the decision makes the card active;
 * - an update still replaces the version it was decided over, and a new card is still missing.
 * Cards are written only for a group that still exists, and versions and events only for the cards
 * written: there are no foreign keys to refuse orphans (see migration 0009).
 *
 * The inserts are plain (ON CONFLICT makes every row a speculative insert): each (card, version)
 * is written once, by the statement that moves the card to it; a card that another writer created
 * after the check fails the statement with a unique violation, and the chunk is written again
 * alone (writeSharedThenAlone), when the check sees that card.
 */
export async function writeCards(
  db: Conn,
  workspaceId: string,
  syncRunId: string | null,
  writes: CardWrite[],
): Promise<WrittenCards> {
  if (!writes.length) return {};
  const ofGroups = writes.filter((w) => w.groupId !== null);
  const ofWorkspace = writes.length === ofGroups.length ? [] : writes.filter((w) => w.groupId === null);
  const written = await writeGroupCards(db, workspaceId, syncRunId, ofGroups);
  if (!ofWorkspace.length) return written;
  const more = await writeWorkspaceCards(db, workspaceId, syncRunId, ofWorkspace);
  for (const [kind, n] of Object.entries(more) as [CardWrite['kind'], number][])
    written[kind] = (written[kind] ?? 0) + n;
  return written;
}

async function writeGroupCards(
  db: Conn,
  workspaceId: string,
  syncRunId: string | null,
  writes: CardWrite[],
): Promise<WrittenCards> {
  if (!writes.length) return {};
  const records = cardWriteRecords(writes);
  // Each check is a fenced index lookup (`offset 0`), whatever the statistics say.
  const { rows } = await sql<{ kind: CardWrite['kind']; n: number }>`
    with v as materialized (
      select * from jsonb_to_recordset(${records}::jsonb) as v(card_id uuid, recipient_id uuid,
        group_id uuid, version int, status text, content jsonb, content_hash text, source_key text, kind text, event text, slug_key text)
    ),
    g as materialized (
      select id, ${TEMPLATE_KEY} as template_key from groups where id in (select distinct group_id from v)
    ),
    fresh as (
      select v.* from v
      join g on g.id = v.group_id
      cross join lateral (select status, render_key from recipients r where r.id = v.recipient_id offset 0) r
      left join lateral (
        select content_hash, content_type from recipient_photos ph where ph.recipient_id = v.recipient_id offset 0
      ) ph on true
      cross join lateral (
        select exists (
          select 1 from group_memberships gm where gm.group_id = v.group_id and gm.recipient_id = v.recipient_id
        ) as is_member offset 0
      ) m
      where (r.status = 'active' and m.is_member) = (v.status = 'active')
        and (v.status <> 'active' or ${CARD_SOURCE_KEY} = v.source_key)
    ),
    created as (
      insert into cards (id, workspace_id, recipient_id, group_id, status, version, content, content_hash, source_key, slug_key)
      select v.card_id, ${workspaceId}::uuid, v.recipient_id, v.group_id, v.status, v.version, v.content, v.content_hash, v.source_key,
        decode(v.slug_key, 'hex')
      from fresh v where v.kind = 'create'
        and not exists (select 1 from cards x where x.recipient_id = v.recipient_id and x.group_id = v.group_id)
      returning id, slug_key, created_at, updated_at
    ),
    updated as (
      update cards c set version = v.version, status = v.status, content = v.content, content_hash = v.content_hash,
        source_key = v.source_key, updated_at = now()
      from fresh v where v.kind <> 'create' and c.id = v.card_id and c.version = v.version - 1
      returning c.id, c.slug_key, c.created_at, c.updated_at
    ),
    ${writtenVersionsAndEvents(workspaceId, syncRunId, sql`v.group_id`)}`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

/** An unchanged card rendered before its inputs were keyed, at the version that was read. */
export interface KeyedCard {
  cardId: string;
  version: number;
  sourceKey: string;
}

/** Records the key of cards that render to what they hold, unless they changed since. */
export async function setCardSourceKeys(db: Conn, rows: KeyedCard[]): Promise<void> {
  if (!rows.length) return;
  await sql`
    update cards c set source_key = v.source_key
    from unnest(${rows.map((r) => r.cardId)}::uuid[], ${rows.map((r) => r.version)}::int[],
                ${rows.map((r) => r.sourceKey)}::text[]) as v(id, version, source_key)
    where c.id = v.id and c.version = v.version`.execute(db);
}

/**
 * What the card queue's pass reads besides the recipients the run touched: every member and card
 * holder of the group (`members`), only its card holders (`cards`: for a run that touched every
 * member, whose members without a card are queued as touched anyway), or nothing (`none`: a delta
 * run, which reconciles only the people it touched).
 */
export type CardQueueScan = 'members' | 'cards' | 'none';

/**
 * Fills the run's card queue in one statement: the recipients the run touched (staged with a
 * recipient) and every member or card holder of the group the `scan` reads whose card is not in
 * its due state: missing, active while it should not be, inactive while it should be, or rendered
 * from other inputs than the current ones (`cards.source_key`). Also answers how many of the
 * group's active cards the scan found already as due (`unchanged`), for the run's counts
 * (reconcileCards does not count those again when a touched recipient's card turns out unchanged).
 */
export async function queueCardRecipients(
  db: Conn,
  args: { syncRunId: string; groupId: string; scan: CardQueueScan },
): Promise<{ queued: number; unchanged: number }> {
  const { syncRunId, groupId } = args;
  // One pass over the group's memberships and cards (a full join: members without a card, cards
  // of former members; or the cards alone); the template key is computed once (`offset 0` keeps it
  // from being inlined).
  const pairs =
    args.scan === 'cards'
      ? sql`(select id, recipient_id, status, source_key from cards where group_id = ${groupId}::uuid) c
      left join (select recipient_id from group_memberships where group_id = ${groupId}::uuid) gm on gm.recipient_id = c.recipient_id`
      : sql`(select recipient_id from group_memberships where group_id = ${groupId}::uuid) gm
      full join (select id, recipient_id, status, source_key from cards where group_id = ${groupId}::uuid) c on c.recipient_id = gm.recipient_id`;
  const scan =
    args.scan === 'none'
      ? sql`select null::uuid as recipient_id, false as due, false as active where false`
      : sql`
      select coalesce(gm.recipient_id, c.recipient_id) as recipient_id,
        coalesce(case
          when gm.recipient_id is null then c.status = 'active'
          when c.id is null then r.status = 'active' and (g.sync_options ->> 'createCardsForNewMembers') is distinct from 'false'
          when r.status = 'active' then c.status <> 'active' or c.source_key is distinct from ${CARD_SOURCE_KEY}
          else c.status = 'active' end, false) as due,
        coalesce(gm.recipient_id is not null and r.status = 'active' and c.status = 'active', false) as active
      from ${pairs}
      left join recipients r on r.id = gm.recipient_id
      left join recipient_photos ph on ph.recipient_id = gm.recipient_id
      cross join (select sync_options, ${TEMPLATE_KEY} as template_key from groups where id = ${groupId}::uuid offset 0) g`;
  // A member applied unchanged (a full read that checks photos applies every member) is not
  // touched when the scan reads every membership: their cards are due only as the scan finds them,
  // as when passed over at staging. The other scans rely on every member being touched.
  const untouched = args.scan === 'members' ? sql`and s.outcome is distinct from 'unchanged'` : sql``;
  const { rows } = await sql<{ queued: number; unchanged: number }>`
    with scan as (${scan}),
    touched as (
      select s.recipient_id from sync_staged_members s
      where s.sync_run_id = ${syncRunId}::uuid and s.recipient_id is not null ${untouched}
    ),
    -- A plain insert: the run's queue is empty here (it is filled once, in the transaction that
    -- records it as filled), and the union already drops duplicates. ON CONFLICT made each row a
    -- speculative insert: 1.8 s instead of 1.2 s for this statement in a 100,000-member first sync.
    queued as (
      insert into sync_card_queue (sync_run_id, recipient_id)
      select ${syncRunId}::uuid, x.recipient_id
      from (select recipient_id from scan where due union select recipient_id from touched) x
      returning 1
    )
    select (select count(*) from queued)::int as queued,
      (select count(*) from scan where active and not due)::int as unchanged`.execute(db);
  return rows[0] ?? { queued: 0, unchanged: 0 };
}

/**
 * Fills the run's card queue with the recipients of the people it staged, and only those: the
 * recipient an apply recorded, or the one linked to the staged Entra user (an unchanged person is
 * passed over without one).
 */
export async function queueStagedRecipients(
  db: Conn,
  args: { syncRunId: string; workspaceId: string },
): Promise<number> {
  const { syncRunId, workspaceId } = args;
  const { rows } = await sql<{ queued: number }>`
    with queued as (
      insert into sync_card_queue (sync_run_id, recipient_id)
      select distinct ${syncRunId}::uuid, coalesce(s.recipient_id, r.id) from sync_staged_members s
      left join recipients r on r.workspace_id = ${workspaceId}::uuid and r.entra_user_id = s.entra_user_id
      where s.sync_run_id = ${syncRunId}::uuid and coalesce(s.recipient_id, r.id) is not null
      returning 1
    )
    select count(*)::int as queued from queued`.execute(db);
  return rows[0]?.queued ?? 0;
}

/** The next recipients of the run's card queue after `after` (keyset on the recipient id). */
export async function readCardQueue(
  db: Conn,
  syncRunId: string,
  after: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('syncCardQueue')
    .select('recipientId')
    .where('syncRunId', '=', syncRunId)
    .where('recipientId', '>', after)
    .orderBy('recipientId')
    .limit(limit)
    .execute();
  return rows.map((r) => r.recipientId);
}
