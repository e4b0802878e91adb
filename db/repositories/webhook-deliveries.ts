import { sql } from 'kysely';
import type { Conn } from '../database';
import type { DeliveryAttempt, DeliveryStatus } from '../../domain/webhook-retry';

export interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: string | null;
  eventType: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date | null;
  payload: Record<string, unknown> | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

const COLUMNS = sql.raw(
  `d.id::text, d.endpoint_id, d.event_id::text, d.event_type, d.status, d.attempts, d.next_attempt_at,
    d.payload, d.created_at, d.delivered_at`,
);

/** An endpoint's deliveries, newest first, before the keyset `before` (a delivery id). */
export async function listDeliveries(
  db: Conn,
  endpointId: string,
  args: { before: string | null; limit: number },
): Promise<DeliveryRow[]> {
  const { rows } = await sql<DeliveryRow>`
    select ${COLUMNS} from webhook_deliveries d
    where d.endpoint_id = ${endpointId}::uuid ${args.before ? sql`and d.id < ${args.before}::bigint` : sql``}
    order by d.id desc limit ${args.limit}`.execute(db);
  return rows;
}

export async function getDelivery(
  db: Conn,
  workspaceId: string,
  id: string,
): Promise<DeliveryRow | undefined> {
  const { rows } = await sql<DeliveryRow>`
    select ${COLUMNS} from webhook_deliveries d
    where d.id = ${id}::bigint and d.workspace_id = ${workspaceId}::uuid`.execute(db);
  return rows[0];
}

/**
 * Sends a delivery again as soon as the dispatcher comes by: pending and due now, whatever it was
 * (a delivered one is sent once more, under the same webhook-id). In its subject's queue it keeps
 * its place, so later events of the subject wait for it.
 */
export async function requeueDelivery(
  db: Conn,
  workspaceId: string,
  id: string,
): Promise<DeliveryRow | undefined> {
  const { rows } = await sql<DeliveryRow>`
    update webhook_deliveries d set status = 'pending', next_attempt_at = now()
    where d.id = ${id}::bigint and d.workspace_id = ${workspaceId}::uuid
    returning ${COLUMNS}`.execute(db);
  return rows[0];
}

/** A test event for one endpoint, queued for the dispatcher; its body is stored with it. */
export async function enqueuePing(
  db: Conn,
  endpoint: { id: string; workspaceId: string },
  payload: Record<string, unknown> & { id: string },
): Promise<DeliveryRow> {
  const { rows } = await sql<DeliveryRow>`
    insert into webhook_deliveries as d (endpoint_id, workspace_id, event_type, order_key, status, next_attempt_at, payload)
    values (${endpoint.id}::uuid, ${endpoint.workspaceId}::uuid, 'ping', ${`ping:${payload.id}`}, 'pending', now(),
      ${JSON.stringify(payload)}::jsonb)
    returning ${COLUMNS}`.execute(db);
  return rows[0]!;
}
