import { Kysely, sql } from 'kysely';

/**
 * Webhook endpoints and their deliveries. Frozen in time.
 *
 * - `webhook_endpoints`: where a workspace's events go. The signing secret is sealed like the
 *   Entra secret (config/secret-box.ts); after a rotation the previous one keeps signing beside
 *   the new one until `previous_secret_expires_at`. `cursor_xid, cursor_id` is the endpoint's
 *   place in the events' commit order (db/repositories/events.ts): the dispatcher reads on from it
 *   and moves it in the transaction that records what it sent. `failing_since` is the first
 *   failed attempt since the last success; `disabled_reason` says why an endpoint was disabled.
 * - `webhook_deliveries`: one event to one endpoint, with every attempt (`attempts`, a JSON array,
 *   written with the row: a first attempt that succeeds costs one inserted row). `order_key` is the
 *   event's subject (card, recipient or run): a pending delivery holds back the later deliveries
 *   of its subject, never others. A `ping` (a test event) has no event row; its body is `payload`.
 *   Deliveries go with their endpoint; events outlive both.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table webhook_endpoints (
    id uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces (id) on delete cascade,
    url text not null,
    events text[] not null,
    description text,
    status text not null default 'enabled' check (status in ('enabled', 'disabled')),
    disabled_reason text,
    disabled_at timestamptz,
    secret_encrypted text not null,
    previous_secret_encrypted text,
    previous_secret_expires_at timestamptz,
    cursor_xid xid8 not null,
    cursor_id bigint not null default 0,
    failing_since timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index webhook_endpoints_workspace on webhook_endpoints (workspace_id, created_at, id)`.execute(
    db,
  );

  await sql`create table webhook_deliveries (
    id bigserial primary key,
    endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
    workspace_id uuid not null,
    event_id bigint,
    event_type text not null,
    order_key text not null,
    status text not null check (status in ('pending', 'delivered', 'failed')),
    attempts jsonb not null default '[]',
    attempt_count integer not null default 0,
    next_attempt_at timestamptz,
    payload jsonb,
    created_at timestamptz not null default now(),
    delivered_at timestamptz,
    constraint webhook_deliveries_event_once unique (endpoint_id, event_id)
  )`.execute(db);
  // The pending chains of an endpoint, in order per subject: the dispatcher reads their heads.
  await sql`create index webhook_deliveries_pending on webhook_deliveries (endpoint_id, order_key, id)
    where status = 'pending'`.execute(db);
  await sql`create index webhook_deliveries_listing on webhook_deliveries (endpoint_id, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table webhook_deliveries`.execute(db);
  await sql`drop table webhook_endpoints`.execute(db);
}
