import { sql } from 'kysely';
import type { Conn } from '../database';

/** An endpoint as the API shows it (never its secret). */
export interface EndpointRow {
  id: string;
  workspaceId: string;
  url: string;
  events: string[];
  description: string | null;
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const SHOWN = [
  'id',
  'workspaceId',
  'url',
  'events',
  'description',
  'status',
  'disabledReason',
  'disabledAt',
  'failingSince',
  'createdAt',
  'updatedAt',
] as const;

/**
 * A new endpoint, which receives the events committed from now on: its cursor starts at the
 * oldest transaction still running, so an event being written as it is created is not missed.
 */
export async function createEndpoint(
  db: Conn,
  args: {
    workspaceId: string;
    url: string;
    events: string[];
    description: string | null;
    secretEncrypted: string;
  },
): Promise<EndpointRow> {
  return db
    .insertInto('webhookEndpoints')
    .values({ ...args, cursorXid: sql<string>`pg_snapshot_xmin(pg_current_snapshot())` })
    .returning(SHOWN)
    .executeTakeFirstOrThrow();
}

export async function getEndpoint(
  db: Conn,
  workspaceId: string,
  id: string,
): Promise<EndpointRow | undefined> {
  return db
    .selectFrom('webhookEndpoints')
    .select(SHOWN)
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A page of a workspace's endpoints, oldest first, after the keyset `after`. */
export async function listEndpoints(
  db: Conn,
  workspaceId: string,
  args: { after: { createdAt: string; id: string } | null; limit: number },
): Promise<EndpointRow[]> {
  let q = db.selectFrom('webhookEndpoints').select(SHOWN).where('workspaceId', '=', workspaceId);
  if (args.after) {
    const { createdAt, id } = args.after;
    q = q.where(sql<boolean>`(created_at, id) > (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  return q.orderBy('createdAt').orderBy('id').limit(args.limit).execute();
}

export interface EndpointChange {
  url?: string;
  events?: string[];
  description?: string | null;
  status?: 'enabled' | 'disabled';
}

/**
 * Changes an endpoint. Enabling clears why it was disabled and makes its waiting deliveries due
 * at once (in the same transaction); disabling by hand records that as the reason.
 */
export async function updateEndpoint(
  db: Conn,
  workspaceId: string,
  id: string,
  change: EndpointChange,
): Promise<EndpointRow | undefined> {
  const statusChange =
    change.status === 'enabled'
      ? { status: 'enabled' as const, disabledReason: null, disabledAt: null, failingSince: null }
      : change.status === 'disabled'
        ? {
            status: 'disabled' as const,
            disabledReason: sql<string>`case when status = 'disabled' then disabled_reason else 'disabled through the API' end`,
            disabledAt: sql<Date>`case when status = 'disabled' then disabled_at else now() end`,
          }
        : {};
  const row = await db
    .updateTable('webhookEndpoints')
    .set({
      ...(change.url !== undefined ? { url: change.url } : {}),
      ...(change.events !== undefined ? { events: change.events } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...statusChange,
      updatedAt: sql`now()`,
    })
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .returning(SHOWN)
    .executeTakeFirst();
  if (row && change.status === 'enabled')
    await sql`update webhook_deliveries set next_attempt_at = now()
      where endpoint_id = ${id}::uuid and status = 'pending' and next_attempt_at > now()`.execute(db);
  return row;
}

export async function deleteEndpoint(db: Conn, workspaceId: string, id: string): Promise<boolean> {
  const res = await db
    .deleteFrom('webhookEndpoints')
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Puts a new secret in place; the one it replaces keeps signing beside it until `previousUntil`. */
export async function replaceEndpointSecret(
  db: Conn,
  workspaceId: string,
  id: string,
  secretEncrypted: string,
  previousUntil: Date,
): Promise<EndpointRow | undefined> {
  return db
    .updateTable('webhookEndpoints')
    .set({
      previousSecretEncrypted: sql`secret_encrypted`,
      previousSecretExpiresAt: previousUntil,
      secretEncrypted,
      updatedAt: sql`now()`,
    })
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .returning(SHOWN)
    .executeTakeFirst();
}
