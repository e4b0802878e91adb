import { sql } from 'kysely';
import type { Conn, Db } from '../database';
import type { DeliveryAttempt, DeliveryStatus } from '../../domain/webhook-retry';
import type { EventPosition } from './events';

/**
 * What the dispatcher reads and writes. An endpoint is served by the one dispatcher holding its
 * session advisory lock: a lock dies with its connection, so when a worker is killed another
 * (or the restarted one) takes the endpoint over at once, without waiting out a lease.
 */
const LOCK_CLASS = sql.raw(`hashtext('webhook-endpoint')`);

/** Takes the locks of up to `limit` enabled endpoints not held yet; answers those it got. */
export async function claimEndpoints(
  session: Conn,
  held: readonly string[],
  limit: number,
  workspaceIds: readonly string[] | null,
): Promise<string[]> {
  if (limit <= 0) return [];
  const { rows } = await sql<{ id: string }>`
    with candidates as materialized (
      select id from webhook_endpoints
      where status = 'enabled' and id <> all(${[...held]}::uuid[])
        ${workspaceIds ? sql`and workspace_id = any(${[...workspaceIds]}::uuid[])` : sql``}
      order by random() limit ${limit}
    )
    select id from candidates where pg_try_advisory_lock(${LOCK_CLASS}, hashtext(id::text))`.execute(session);
  return rows.map((r) => r.id);
}

export async function releaseEndpoints(session: Conn, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await sql`select pg_advisory_unlock(${LOCK_CLASS}, hashtext(id::text)) from unnest(${[...ids]}::uuid[]) id`.execute(
    session,
  );
}

export async function releaseAllEndpoints(session: Conn): Promise<void> {
  await sql`select pg_advisory_unlock_all()`.execute(session);
}

/** An endpoint as a pass needs it. */
export interface DispatchEndpoint {
  id: string;
  workspaceId: string;
  url: string;
  events: string[];
  status: 'enabled' | 'disabled';
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
  cursor: EventPosition;
  failingSince: Date | null;
}

export async function loadDispatchEndpoints(db: Conn, ids: readonly string[]): Promise<DispatchEndpoint[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('webhookEndpoints')
    .select([
      'id',
      'workspaceId',
      'url',
      'events',
      'status',
      'secretEncrypted',
      'previousSecretEncrypted',
      'previousSecretExpiresAt',
      sql<string>`cursor_xid::text`.as('cursorXid'),
      sql<string>`cursor_id::text`.as('cursorId'),
      'failingSince',
    ])
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(({ cursorXid, cursorId, ...r }) => ({ ...r, cursor: { xid: cursorXid, id: cursorId } }));
}

/** A delivery waiting for its turn or its next attempt. */
export interface PendingDelivery {
  id: string;
  eventId: string | null;
  eventType: string;
  orderKey: string;
  attemptCount: number;
  payload: Record<string, unknown> | null;
}

/**
 * The first pending delivery of each subject, where it is due (waiting behind a delivered one, or
 * its retry time has come): the only ones that may be sent now.
 */
export async function dueHeads(db: Conn, endpointId: string, limit: number): Promise<PendingDelivery[]> {
  const { rows } = await sql<PendingDelivery>`
    select id::text, event_id::text, event_type, order_key, attempt_count, payload from (
      select distinct on (order_key) id, event_id, event_type, order_key, attempt_count, payload, next_attempt_at
      from webhook_deliveries
      where endpoint_id = ${endpointId}::uuid and status = 'pending'
      order by order_key, id
    ) head
    where next_attempt_at is null or next_attempt_at <= now()
    order by id
    limit ${limit}`.execute(db);
  return rows;
}

/** Which of these subjects have a pending delivery: their new events queue behind it. */
export async function subjectsWithPending(
  db: Conn,
  endpointId: string,
  keys: readonly string[],
): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const { rows } = await sql<{ orderKey: string }>`
    select distinct order_key from webhook_deliveries
    where endpoint_id = ${endpointId}::uuid and status = 'pending' and order_key = any(${[...keys]}::text[])`.execute(
    db,
  );
  return new Set(rows.map((r) => r.orderKey));
}

/** A new event's delivery as a pass leaves it: sent (with its attempt) or queued. */
export interface NewDelivery {
  eventId: string;
  eventType: string;
  orderKey: string;
  status: DeliveryStatus;
  attempt: DeliveryAttempt | null;
  nextAttemptAt: Date | null;
}

/** A pending delivery after this pass's attempt. */
export interface AttemptedDelivery {
  id: string;
  status: DeliveryStatus;
  attempt: DeliveryAttempt;
  nextAttemptAt: Date | null;
}

export interface PassRecord {
  endpointId: string;
  workspaceId: string;
  created: NewDelivery[];
  attempted: AttemptedDelivery[];
  /** pending deliveries a tripped breaker did not try: their turn comes again at `until` */
  postponed: { ids: string[]; until: Date };
  /** where the next pass reads on; null: the pass read no new events */
  cursor: EventPosition | null;
  succeeded: boolean;
  /** when the first attempt of the pass failed (none: null) */
  firstFailureAt: Date | null;
  /** the receiver answered 410 Gone */
  gone: boolean;
  /** an endpoint failing since before this is disabled */
  failingCutoff: Date;
  lastError: string | null;
}

/**
 * Records a pass in one transaction: the new deliveries, the attempts, the cursor and the
 * endpoint's health. It runs on the session that holds the endpoint's lock: a dispatcher that
 * lost that connection (and so the lock) fails here rather than move a cursor another one owns.
 */
export async function recordPass(session: Db, rec: PassRecord): Promise<void> {
  await session.transaction().execute(async (trx) => {
    if (rec.created.length) {
      const c = rec.created;
      await sql`
        insert into webhook_deliveries (endpoint_id, workspace_id, event_id, event_type, order_key, status,
          attempts, attempt_count, next_attempt_at, delivered_at)
        select ${rec.endpointId}::uuid, ${rec.workspaceId}::uuid, d.event_id, d.event_type, d.order_key, d.status,
          case when d.attempt is null then '[]'::jsonb else jsonb_build_array(d.attempt::jsonb) end,
          case when d.attempt is null then 0 else 1 end, d.next_attempt_at,
          case when d.status = 'delivered' then (d.attempt::jsonb ->> 'at')::timestamptz end
        from unnest(${c.map((d) => d.eventId)}::bigint[], ${c.map((d) => d.eventType)}::text[],
          ${c.map((d) => d.orderKey)}::text[], ${c.map((d) => d.status)}::text[],
          ${c.map((d) => (d.attempt ? JSON.stringify(d.attempt) : null))}::text[],
          ${c.map((d) => d.nextAttemptAt)}::timestamptz[]) with ordinality
          as d(event_id, event_type, order_key, status, attempt, next_attempt_at, n)
        order by d.n
        on conflict (endpoint_id, event_id) do nothing`.execute(trx);
    }
    if (rec.attempted.length) {
      const a = rec.attempted;
      await sql`
        update webhook_deliveries w set status = d.status,
          attempts = w.attempts || jsonb_build_array(d.attempt::jsonb), attempt_count = w.attempt_count + 1,
          next_attempt_at = d.next_attempt_at,
          delivered_at = case when d.status = 'delivered' then (d.attempt::jsonb ->> 'at')::timestamptz end
        from unnest(${a.map((d) => d.id)}::bigint[], ${a.map((d) => d.status)}::text[],
          ${a.map((d) => JSON.stringify(d.attempt))}::text[], ${a.map((d) => d.nextAttemptAt)}::timestamptz[])
          as d(id, status, attempt, next_attempt_at)
        where w.id = d.id and w.endpoint_id = ${rec.endpointId}::uuid`.execute(trx);
    }
    if (rec.postponed.ids.length)
      await sql`
        update webhook_deliveries set next_attempt_at = ${rec.postponed.until}
        where id = any(${rec.postponed.ids}::bigint[]) and endpoint_id = ${rec.endpointId}::uuid`.execute(
        trx,
      );
    await sql`
      update webhook_endpoints set
        cursor_xid = coalesce(${rec.cursor?.xid ?? null}::xid8, cursor_xid),
        cursor_id = coalesce(${rec.cursor?.id ?? null}::bigint, cursor_id),
        failing_since = case when ${rec.succeeded} then null
          else coalesce(failing_since, ${rec.firstFailureAt}::timestamptz) end,
        disabled_reason = case
          when status = 'disabled' then disabled_reason
          when ${rec.gone} then 'the receiver answered 410 Gone'
          when not ${rec.succeeded} and coalesce(failing_since, ${rec.firstFailureAt}::timestamptz) < ${rec.failingCutoff}
            then 'every attempt failed for 3 days since ' || to_char(coalesce(failing_since, ${rec.firstFailureAt}::timestamptz)
              at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || coalesce(' (last: ' || ${rec.lastError}::text || ')', '')
          end,
        status = case
          when ${rec.gone} or (not ${rec.succeeded}
            and coalesce(failing_since, ${rec.firstFailureAt}::timestamptz) < ${rec.failingCutoff}) then 'disabled'
          else status end
      where id = ${rec.endpointId}::uuid`.execute(trx);
    await sql`
      update webhook_endpoints set disabled_at = coalesce(disabled_at, now()), updated_at = now()
      where id = ${rec.endpointId}::uuid and status = 'disabled' and disabled_at is null`.execute(trx);
  });
}
