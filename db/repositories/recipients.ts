import { sql, type Transaction } from 'kysely';
import type { Db } from '../database';
import type { Database, RecipientRow } from '../schema';
import type { RecipientProfileColumns, RecipientStatus } from '../../domain/recipient';
import { recordRecipientEvents } from './events';

export type RecipientWithGroups = RecipientRow & { groupIds: string[] };

export interface RecipientFilter {
  groupId?: string;
  status?: RecipientStatus;
  /** Case-insensitive substring of email, first, last or display name. */
  q?: string;
  entraUserId?: string;
}

function selectRecipients(db: Db | Transaction<Database>, workspaceId: string) {
  return db
    .selectFrom('recipients')
    .selectAll('recipients')
    .select(
      sql<
        string[]
      >`array(select gm.group_id::text from group_memberships gm where gm.recipient_id = recipients.id order by gm.group_id)`.as(
        'groupIds',
      ),
    )
    .where('recipients.workspaceId', '=', workspaceId);
}

export async function getRecipient(
  db: Db | Transaction<Database>,
  workspaceId: string,
  id: string,
): Promise<RecipientWithGroups | undefined> {
  return selectRecipients(db, workspaceId).where('recipients.id', '=', id).executeTakeFirst();
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Ordered by id, which the (workspace_id, id) index serves; `afterId` is the previous page's last. */
export async function listRecipients(
  db: Db,
  workspaceId: string,
  filter: RecipientFilter,
  page: { limit: number; afterId?: string },
): Promise<RecipientWithGroups[]> {
  let query = selectRecipients(db, workspaceId);
  if (filter.status) query = query.where('recipients.status', '=', filter.status);
  if (filter.entraUserId) query = query.where('recipients.entraUserId', '=', filter.entraUserId);
  if (filter.groupId) {
    const groupId = filter.groupId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('groupMemberships as gm')
          .select('gm.recipientId')
          .where('gm.groupId', '=', groupId)
          .whereRef('gm.recipientId', '=', 'recipients.id'),
      ),
    );
  }
  if (filter.q) {
    const pattern = likePattern(filter.q);
    query = query.where(
      sql<boolean>`concat_ws(' ', recipients.email, recipients.first_name, recipients.last_name, recipients.display_name) ilike ${pattern}`,
    );
  }
  if (page.afterId) query = query.where('recipients.id', '>', page.afterId);
  return query
    .orderBy('recipients.id')
    .limit(page.limit + 1)
    .execute();
}

export interface ManualRecipientInput extends Partial<RecipientProfileColumns> {
  email: string;
  customFields?: Record<string, string | null>;
  lockedFields?: string[];
}

/** Creates a recipient that is not linked to Entra, and records its creation as a manual change. */
export async function insertManualRecipient(
  db: Db,
  workspaceId: string,
  input: ManualRecipientInput,
): Promise<RecipientWithGroups> {
  return db.transaction().execute(async (trx) => {
    const { customFields, lockedFields, ...profile } = input;
    const row = await trx
      .insertInto('recipients')
      .values({
        ...profile,
        workspaceId,
        customFields: JSON.stringify(customFields ?? {}),
        lockedFields: lockedFields ?? [],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('recipientChanges')
      .values({
        workspaceId,
        recipientId: row.id,
        action: 'created',
        source: 'manual',
        reason: 'created through the API',
      })
      .execute();
    await recordRecipientEvents(trx, workspaceId, null, [{ recipientId: row.id, type: 'recipient.created' }]);
    return (await getRecipient(trx, workspaceId, row.id))!;
  });
}

export interface ManualEdit {
  fields: Partial<RecipientProfileColumns>;
  /** A null value removes the key. */
  customFields?: Record<string, string | null>;
  lockedFields?: string[];
}

interface FieldChange {
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

/**
 * Applies a manual edit under a row lock and records one `recipient_changes` row per field that
 * actually changed (source `manual`), so the history reads like a sync's. Undefined: no such recipient.
 */
export async function applyManualEdit(
  db: Db,
  workspaceId: string,
  id: string,
  edit: ManualEdit,
): Promise<{ recipient: RecipientWithGroups; changes: FieldChange[] } | undefined> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('recipients')
      .selectAll()
      .where('workspaceId', '=', workspaceId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!current) return undefined;

    const changes: FieldChange[] = [];
    const set: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(edit.fields) as [
      keyof RecipientProfileColumns,
      string | null,
    ][]) {
      if (value === undefined || current[field] === value) continue;
      set[field] = value;
      changes.push({ field, oldValue: current[field], newValue: value });
    }
    if (edit.customFields) {
      const merged: Record<string, string | null> = { ...current.customFields };
      for (const [key, value] of Object.entries(edit.customFields)) {
        const old = merged[key] ?? null;
        if (old === value) continue;
        if (value === null) delete merged[key];
        else merged[key] = value;
        changes.push({ field: `custom.${key}`, oldValue: old, newValue: value });
      }
      set.customFields = JSON.stringify(merged);
    }
    if (edit.lockedFields) {
      const before = [...current.lockedFields].sort();
      const after = [...new Set(edit.lockedFields)].sort();
      if (before.join('\n') !== after.join('\n')) {
        set.lockedFields = after;
        changes.push({ field: 'lockedFields', oldValue: before.join(','), newValue: after.join(',') });
      }
    }
    if (changes.length > 0) {
      await trx
        .updateTable('recipients')
        .set({ ...set, updatedAt: new Date() })
        .where('id', '=', id)
        .execute();
      await trx
        .insertInto('recipientChanges')
        .values(
          changes.map((c) => ({
            workspaceId,
            recipientId: id,
            entraUserId: current.entraUserId,
            action: 'updated',
            field: c.field,
            oldValue: c.oldValue,
            newValue: c.newValue,
            reason: 'manual edit',
            source: 'manual' as const,
          })),
        )
        .execute();
      await recordRecipientEvents(trx, workspaceId, null, [{ recipientId: id, type: 'recipient.updated' }]);
    }
    return { recipient: (await getRecipient(trx, workspaceId, id))!, changes };
  });
}

/** Which of these Entra user ids are already recipients, for the directory preview. */
export async function recipientIdsByEntraId(
  db: Db,
  workspaceId: string,
  entraUserIds: string[],
): Promise<Map<string, string>> {
  if (entraUserIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('recipients')
    .select(['id', 'entraUserId'])
    .where('workspaceId', '=', workspaceId)
    .where('entraUserId', 'in', entraUserIds)
    .execute();
  return new Map(rows.map((r) => [r.entraUserId!, r.id]));
}

/** A recipient's change history (sync and manual), oldest first; planned changes (a preview's, a held run's) are the run's, not the recipient's. */
export async function listRecipientChanges(
  db: Db,
  workspaceId: string,
  recipientId: string,
  page: { limit: number; afterId?: number },
) {
  let query = db
    .selectFrom('recipientChanges')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('recipientId', '=', recipientId)
    // A preview's planned changes did not happen.
    .where('planned', '=', false);
  if (page.afterId !== undefined) query = query.where('id', '>', String(page.afterId));
  return query
    .orderBy('id', 'asc')
    .limit(page.limit + 1)
    .execute();
}
