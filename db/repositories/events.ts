import { sql } from 'kysely';
import type { Conn } from '../database';
import { PROFILE_COLUMNS } from '../../domain/recipient';
import type { EventType, RecipientEventType } from '../../domain/event-types';
import type { EventRecord } from '../../domain/event-body';

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A recipient's fields as GET /v1/recipients/:id names them (without groupIds). */
const RECIPIENT_DATA = sql.raw(
  `jsonb_build_object('id', r.id, 'entraUserId', r.entra_user_id, 'status', r.status, 'statusReason', r.status_reason, ` +
    PROFILE_COLUMNS.map((c) => `'${c}', r.${snake(c)}`).join(', ') +
    `, 'photo', case when r.photo_hash is null then null else jsonb_build_object('contentHash', r.photo_hash) end` +
    `, 'customFields', r.custom_fields, 'lockedFields', to_jsonb(r.locked_fields), 'accountEnabled', r.account_enabled` +
    `, 'userType', r.user_type, 'createdAt', r.created_at, 'updatedAt', r.updated_at)`,
);

/**
 * Records one event per recipient, with the recipient as it stands in the caller's transaction:
 * one statement for a whole chunk.
 */
export async function recordRecipientEvents(
  db: Conn,
  workspaceId: string,
  syncRunId: string | null,
  events: Array<{ recipientId: string; type: RecipientEventType }>,
): Promise<void> {
  if (!events.length) return;
  await sql`
    insert into events (workspace_id, type, recipient_id, sync_run_id, data)
    select r.workspace_id, e.type, r.id, ${syncRunId}::uuid, ${RECIPIENT_DATA}
    from unnest(${events.map((e) => e.recipientId)}::uuid[], ${events.map((e) => e.type)}::text[]) with ordinality
      as e(recipient_id, type, n)
    -- offset 0: one primary-key lookup per event, never a scan of the workspace's recipients
    cross join lateral (
      select * from recipients r where r.id = e.recipient_id and r.workspace_id = ${workspaceId}::uuid offset 0
    ) r
    order by e.n`.execute(db);
}

/** Records a sync run event with the run as it stands in the caller's transaction. */
export async function recordRunEvent(
  db: Conn,
  syncRunId: string,
  type: Extract<EventType, `sync_run.${string}`>,
): Promise<void> {
  await sql`
    insert into events (workspace_id, type, sync_run_id, data)
    select s.workspace_id, ${type}, s.id, jsonb_build_object('id', s.id, 'kind', s.kind, 'mode', s.mode,
      'syncType', s.sync_type, 'status', s.status, 'phase', s.phase, 'trigger', s.trigger, 'groupId', s.group_id,
      'recipientId', s.recipient_id, 'parentRunId', s.parent_run_id, 'counts', s.counts, 'error', s.error,
      'workflowId', s.workflow_id, 'temporalRunId', s.temporal_run_id, 'startedAt', s.started_at,
      'finishedAt', s.finished_at)
    from sync_runs s where s.id = ${syncRunId}::uuid`.execute(db);
}

/** A place in the events' order: the writing transaction, then the id. */
export interface EventPosition {
  xid: string;
  id: string;
}

export type EventRow = EventRecord;

/**
 * Events after `after`, in (xid, id) order, only from transactions older than every transaction
 * still running: a transaction that is still writing cannot later add a row before what was read,
 * so a reader that resumes from the last position it saw never skips one. `type` is one type or
 * a subject prefix (`card.`).
 */
export async function readEvents(
  db: Conn,
  workspaceId: string,
  args: { after: EventPosition | null; type: EventTypeFilter | null; limit: number },
): Promise<EventRow[]> {
  const after = args.after ?? { xid: '0', id: '0' };
  const type = !args.type
    ? sql``
    : 'exact' in args.type
      ? sql`and e.type = ${args.type.exact}`
      : sql`and e.type like ${`${args.type.prefix}%`}`;
  const { rows } = await sql<Omit<EventRow, 'card'> & CardColumns>`
    select ${EVENT_COLUMNS}
    from events e
    where e.workspace_id = ${workspaceId}::uuid
      and (e.xid, e.id) > (${after.xid}::xid8, ${after.id}::bigint)
      and e.xid < pg_snapshot_xmin(pg_current_snapshot())
      ${type}
    order by e.xid, e.id
    limit ${args.limit}`.execute(db);
  return rows.map(toEventRow);
}

/**
 * The next `limit` events after `after` in the same order as readEvents, of which only those of
 * `types` come back whole; `last` is the position of the last one read, wanted or not, so a
 * subscriber to rare types moves past the others instead of reading them again on every poll.
 */
export async function readEventWindow(
  db: Conn,
  workspaceId: string,
  args: { after: EventPosition; types: readonly string[]; limit: number },
): Promise<{ rows: EventRow[]; last: EventPosition | null }> {
  const { rows } = await sql<Omit<EventRow, 'card'> & CardColumns & { windowXid: string; windowId: string }>`
    with win as (
      select e.id, e.xid from events e
      where e.workspace_id = ${workspaceId}::uuid
        and (e.xid, e.id) > (${args.after.xid}::xid8, ${args.after.id}::bigint)
        and e.xid < pg_snapshot_xmin(pg_current_snapshot())
      order by e.xid, e.id
      limit ${args.limit}
    )
    select w.xid::text as window_xid, w.id::text as window_id, ${EVENT_COLUMNS}
    from win w left join events e on e.id = w.id and e.type = any(${[...args.types]}::text[])
    order by w.xid, w.id`.execute(db);
  const last = rows.at(-1);
  return {
    rows: rows.filter((r) => r.id !== null).map(({ windowXid: _x, windowId: _i, ...r }) => toEventRow(r)),
    last: last ? { xid: last.windowXid, id: last.windowId } : null,
  };
}

/** Events by id (those still kept), in no particular order: what retried deliveries send again. */
export async function readEventsById(db: Conn, workspaceId: string, ids: string[]): Promise<EventRow[]> {
  if (!ids.length) return [];
  const { rows } = await sql<Omit<EventRow, 'card'> & CardColumns>`
    select ${EVENT_COLUMNS}
    from events e
    where e.id = any(${ids}::bigint[]) and e.workspace_id = ${workspaceId}::uuid`.execute(db);
  return rows.map(toEventRow);
}

/** One type, or a subject prefix (`card.`). */
export type EventTypeFilter = { exact: string } | { prefix: string };

const EVENT_COLUMNS = sql.raw(
  `e.id::text, e.xid::text, e.workspace_id, e.type, e.data, e.created_at, e.card_id, e.recipient_id,
      e.group_id, e.card_version, e.card_status, e.content_hash, e.slug_key, e.card_created_at,
      coalesce(e.card_id, e.recipient_id, e.sync_run_id)::text as subject_id`,
);

function toEventRow({
  cardId,
  recipientId,
  groupId,
  cardVersion,
  cardStatus,
  contentHash,
  slugKey,
  cardCreatedAt,
  ...row
}: Omit<EventRow, 'card'> & CardColumns): EventRow {
  return {
    ...row,
    card:
      cardId && cardVersion !== null
        ? {
            id: cardId,
            recipientId,
            groupId,
            version: cardVersion,
            status: cardStatus ?? 'active',
            contentHash,
            slugKey,
            createdAt: cardCreatedAt,
          }
        : null,
  };
}

interface CardColumns {
  cardId: string | null;
  recipientId: string | null;
  groupId: string | null;
  cardVersion: number | null;
  cardStatus: string | null;
  contentHash: string | null;
  slugKey: Buffer | null;
  cardCreatedAt: Date | null;
}
