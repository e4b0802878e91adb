import { Kysely, sql } from 'kysely';

/**
 * Events get their own table, beside the cards they speak of, and cards get a public address.
 * Frozen in time.
 *
 * - `events` replaces `card_events`: card, recipient and sync run events, none deleted with its
 *   subject (there is no cascade from cards; only a deleted workspace takes its events). Each row
 *   records the transaction that wrote it (`xid`, filled by `pg_current_xact_id()`): readers order
 *   by (xid, id) and read only below the oldest transaction still running, so a row committed late
 *   under an older id is never skipped (docs/webhooks.md).
 *   A card event keeps the card's content as its `data` and the rest of the card in columns of
 *   its own (`group_id`, `card_version`, ...): wrapping the content in a new JSON object per event
 *   cost a first sync as much Postgres time as writing the cards (docs/performance-notes.md).
 * - `cards.slug_key`: the random half of the card's public slug (base64url of the card id's bytes
 *   and this key; the page is /c/{slug}). Card writes pass 16 random bytes; the default (two v4
 *   uuids, 244 random bits) fills existing cards and other inserts. No index: a page request
 *   finds the card by the id inside the slug. A slug retired by a rotation or by the card's
 *   deletion stays in `retired_card_slugs`, so its page answers 410 Gone rather than 404.
 * - `workspaces.public_pages_indexable`: card pages carry noindex unless the workspace opts in.
 */
const EVENT_TYPES = [
  'card.created',
  'card.updated',
  'card.deactivated',
  'recipient.created',
  'recipient.updated',
  'recipient.deactivated',
  'recipient.deleted',
  'sync_run.completed',
  'sync_run.failed',
  'sync_run.held',
];

const SLUG_KEY = 'uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())';
/** The slug of a card row `c` (base64 wraps at 76 characters; a slug is at most 64). */
const slugOf = (c: string) => `translate(encode(uuid_send(${c}.id) || ${c}.slug_key, 'base64'), '+/=', '-_')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table events (
    id bigserial primary key,
    xid xid8 not null default pg_current_xact_id(),
    workspace_id uuid not null,
    type text not null check (type in (${sql.join(EVENT_TYPES.map((t) => sql.lit(t)))})),
    card_id uuid,
    recipient_id uuid,
    sync_run_id uuid,
    data jsonb not null,
    created_at timestamptz not null default now(),
    group_id uuid,
    card_version integer,
    card_status text,
    content_hash text,
    slug_key bytea,
    card_created_at timestamptz
  )`.execute(db);
  await sql`create index events_feed on events (workspace_id, xid, id)`.execute(db);

  await sql.raw(`alter table cards add column slug_key bytea not null default (${SLUG_KEY})`).execute(db);

  // The outbox so far, in its order, as the card event bodies it stood for.
  await sql`insert into events (workspace_id, type, card_id, recipient_id, sync_run_id, data, created_at,
      group_id, card_version, card_status, content_hash, slug_key, card_created_at)
    select e.workspace_id, e.type, e.card_id, c.recipient_id, e.sync_run_id, e.content, e.created_at,
      c.group_id, e.version, case when e.type = 'card.deactivated' then 'deactivated' else 'active' end,
      v.content_hash, c.slug_key, c.created_at
    from card_events e
    left join cards c on c.id = e.card_id
    left join card_versions v on v.card_id = e.card_id and v.version = e.version
    order by e.id`.execute(db);

  await sql`create table retired_card_slugs (
    slug text primary key,
    card_id uuid not null,
    workspace_id uuid not null,
    retired_at timestamptz not null default now()
  )`.execute(db);

  // Cards no longer take events with them; their slugs are retired instead.
  await sql
    .raw(
      `create or replace function cascade_cards_delete() returns trigger language plpgsql as $$
begin
  delete from card_versions x using gone where x.card_id = gone.id;
  insert into retired_card_slugs (slug, card_id, workspace_id)
    select ${slugOf('gone')}, gone.id, gone.workspace_id from gone on conflict do nothing;
  return null;
end$$`,
    )
    .execute(db);
  await sql`create function cascade_workspace_events_delete() returns trigger language plpgsql as $$
begin
  delete from events x using gone where x.workspace_id = gone.id;
  delete from retired_card_slugs x using gone where x.workspace_id = gone.id;
  return null;
end$$`.execute(db);
  await sql`create trigger workspaces_events_cascade after delete on workspaces
    referencing old table as gone for each statement execute function cascade_workspace_events_delete()`.execute(
    db,
  );
  await sql`drop table card_events`.execute(db);

  await sql`alter table workspaces add column public_pages_indexable boolean not null default false`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table workspaces drop column public_pages_indexable`.execute(db);
  await sql`create table card_events (
    id bigserial primary key,
    workspace_id uuid not null,
    card_id uuid not null,
    version integer not null,
    type text not null check (type in ('card.created', 'card.updated', 'card.deactivated')),
    content jsonb not null,
    sync_run_id uuid,
    created_at timestamptz not null default now(),
    delivered_at timestamptz,
    constraint card_events_card_version_unique unique (card_id, version)
  )`.execute(db);
  await sql`insert into card_events (workspace_id, card_id, version, type, content, sync_run_id, created_at)
    select e.workspace_id, e.card_id, (e.data ->> 'version')::int, e.type, e.data -> 'content', e.sync_run_id, e.created_at
    from events e join cards c on c.id = e.card_id where e.type like 'card.%'
    order by e.xid, e.id on conflict do nothing`.execute(db);
  await sql`drop trigger workspaces_events_cascade on workspaces`.execute(db);
  await sql`drop function cascade_workspace_events_delete()`.execute(db);
  await sql`create or replace function cascade_cards_delete() returns trigger language plpgsql as $$
begin
  delete from card_versions x using gone where x.card_id = gone.id;
  delete from card_events x using gone where x.card_id = gone.id;
  return null;
end$$`.execute(db);
  await sql`drop table retired_card_slugs`.execute(db);
  await sql`alter table cards drop column slug_key`.execute(db);
  await sql`drop table events`.execute(db);
}
