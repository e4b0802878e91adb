import type { Conn, Trx } from '../database';
import { sql, type RawBuilder } from 'kysely';
import { isUniqueViolation } from '../active-run-constraints';
import type { RecipientStatus } from '../../domain/recipient';
import { PROFILE_COLUMNS, profileValuesOf, type SyncRecipient } from '../../domain/recipient';
import type { RecipientChange } from '../../domain/recipient-change';

/**
 * A write that lost to one made meanwhile by a transaction running alongside: a recipient changed
 * since it was read, an email or Entra id taken (unique violation), or a deadlock between two such
 * chunks. Written again under the exclusive lock, it reads what won and decides again.
 */
export function isWriteConflict(err: unknown): boolean {
  if (err instanceof RecipientChangedMeanwhile || isUniqueViolation(err)) return true;
  return (err as { code?: unknown } | null)?.code === '40P01';
}

/** A recipient changed between the chunk's read and its write (see updateRecipients). */
export class RecipientChangedMeanwhile extends Error {
  constructor(expected: number, written: number) {
    super(`${expected - written} of ${expected} recipients changed since they were read`);
    this.name = 'RecipientChangedMeanwhile';
  }
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Writable columns: [name in the JSON record, Postgres type]. */
const WRITE_COLUMNS: Array<[string, string]> = [
  ['id', 'uuid'],
  ['entra_user_id', 'text'],
  ['status', 'text'],
  ['status_reason', 'text'],
  ...PROFILE_COLUMNS.map((c): [string, string] => [snake(c), 'text']),
  ['custom_fields', 'jsonb'],
  ['photo_hash', 'text'],
  ['account_enabled', 'boolean'],
  ['user_type', 'text'],
  ['entra_source_hash', 'text'],
];

function toRecord(r: SyncRecipient): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    id: r.id,
    entra_user_id: r.entraUserId,
    status: r.status,
    status_reason: r.statusReason,
    custom_fields: r.customFields,
    photo_hash: r.photoHash,
    account_enabled: r.accountEnabled,
    user_type: r.userType,
    entra_source_hash: r.entraSourceHash,
  };
  for (const [c, column] of PROFILE_COLUMN_NAMES) rec[column] = r.values[c];
  return rec;
}

const PROFILE_COLUMN_NAMES = PROFILE_COLUMNS.map((c) => [c, snake(c)] as const);

const recordsetColumns = sql.raw(WRITE_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', '));
const columnList = sql.raw(WRITE_COLUMNS.map(([n]) => n).join(', '));

function recordset(
  rows: Record<string, unknown>[],
  extraColumns: RawBuilder<unknown> = sql``,
): RawBuilder<unknown> {
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(${recordsetColumns}${extraColumns})`;
}

function fromRow(row: Record<string, unknown>): SyncRecipient {
  const values = profileValuesOf(row);
  return {
    id: row.id as string,
    entraUserId: row.entraUserId as string | null,
    status: row.status as RecipientStatus,
    statusReason: row.statusReason as string | null,
    values,
    customFields: (row.customFields as Record<string, string | null>) ?? {},
    lockedFields: (row.lockedFields as string[]) ?? [],
    photoHash: row.photoHash as string | null,
    accountEnabled: row.accountEnabled as boolean | null,
    userType: row.userType as string | null,
    entraSourceHash: row.entraSourceHash as string | null,
    rowVersion: (row.rowVersion as string | null) ?? null,
  };
}

/**
 * Serialises sync writes per workspace for the transaction: recipients, emails and card versions
 * are shared between groups whose syncs may run at the same time. Chunks of applyFieldSettings
 * and updateCards take it `shared`, so two of them run at once (their writes check what they
 * read; see engine/chunk-lanes.ts); everything else takes it exclusively.
 */
export async function lockWorkspaceForSync(
  trx: Trx,
  workspaceId: string,
  mode: 'exclusive' | 'shared' = 'exclusive',
): Promise<void> {
  const key = sql`hashtextextended(${'sync:' + workspaceId}, 0)`;
  if (mode === 'shared') await sql`select pg_advisory_xact_lock_shared(${key})`.execute(trx);
  else await sql`select pg_advisory_xact_lock(${key})`.execute(trx);
}

/**
 * One keyed lookup of a workspace's recipient, for a lateral join per chunk key. The `offset 0`
 * fence keeps it an index lookup per key: flattened, the planner may scan the workspace's whole
 * index instead when the statistics still describe the table before a big first sync filled it.
 */
function byKey(workspaceId: string, match: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select r.*, r.xmin::text as row_version from recipients r
    where r.workspace_id = ${workspaceOf(workspaceId)} and ${match} offset 0`;
}

/**
 * The workspace id as an init-plan parameter rather than a literal. For a workspace the statistics
 * have not seen yet (its first sync, in a database with other workspaces) a literal is estimated
 * at one row, so the planner may look keys up through the (workspace_id, id) index: a scan of the
 * whole workspace per key once it has grown (docs/performance-notes.md). An
 * unknown value is estimated like any workspace, and the index on both key columns wins.
 */
export function workspaceOf(workspaceId: string): RawBuilder<string> {
  return sql<string>`(select ${workspaceId}::uuid)`;
}

export async function loadRecipientsByEntraIds(
  db: Conn,
  workspaceId: string,
  entraUserIds: string[],
): Promise<SyncRecipient[]> {
  if (!entraUserIds.length) return [];
  const { rows } = await sql<Record<string, unknown>>`
    select r.* from unnest(${entraUserIds}::text[]) as k(entra_user_id)
    cross join lateral (${byKey(workspaceId, sql`r.entra_user_id = k.entra_user_id`)}) r`.execute(db);
  return rows.map(fromRow);
}

/** Recipients owning any of these emails (compared in lower case). */
export async function loadRecipientsByEmails(
  db: Conn,
  workspaceId: string,
  emails: string[],
): Promise<SyncRecipient[]> {
  if (!emails.length) return [];
  const { rows } = await sql<Record<string, unknown>>`
    select r.* from unnest(${emails.map((e) => e.toLowerCase())}::text[]) as k(email)
    cross join lateral (${byKey(workspaceId, sql`lower(r.email) = k.email`)}) r`.execute(db);
  return rows.map(fromRow);
}

export async function loadRecipient(
  db: Conn,
  workspaceId: string,
  id: string,
): Promise<SyncRecipient | null> {
  const row = await db
    .selectFrom('recipients')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? fromRow(row as unknown as Record<string, unknown>) : null;
}

/** Which of these Entra ids already have a recipient (a cheap read before the chunk's transaction). */
export async function knownEntraIds(
  db: Conn,
  workspaceId: string,
  entraUserIds: string[],
): Promise<Set<string>> {
  if (!entraUserIds.length) return new Set();
  const { rows } = await sql<{ entraUserId: string }>`
    select r.entra_user_id from unnest(${entraUserIds}::text[]) as k(entra_user_id)
    cross join lateral (${byKey(workspaceId, sql`r.entra_user_id = k.entra_user_id`)}) r`.execute(db);
  return new Set(rows.map((r) => r.entraUserId));
}

export async function insertRecipients(db: Conn, workspaceId: string, rows: SyncRecipient[]): Promise<void> {
  if (!rows.length) return;
  await sql`
    insert into recipients (workspace_id, ${columnList})
    select ${workspaceId}::uuid, ${columnList} from ${recordset(rows.map(toRecord))}`.execute(db);
}

/**
 * Writes recipients back, each only if its row is still the version that was read: a recipient
 * changed meanwhile (by a sync chunk running alongside, or an edit) throws RecipientChangedMeanwhile
 * rather than overwrite that change with values worked out from the old row.
 */
export async function updateRecipients(db: Conn, rows: SyncRecipient[]): Promise<void> {
  if (!rows.length) return;
  const assignments = sql.raw(
    WRITE_COLUMNS.filter(([n]) => n !== 'id')
      .map(([n]) => `${n} = v.${n}`)
      .join(', '),
  );
  const records = rows.map((r) => ({ ...toRecord(r), row_version: r.rowVersion }));
  const result = await sql`update recipients as r set ${assignments}, updated_at = now()
    from ${recordset(records, sql`, row_version text`)}
    where r.id = v.id and r.xmin::text = v.row_version`.execute(db);
  expectEveryRowWritten(rows.length, result.numAffectedRows);
}

/** Recipients the sync found already as applied: only the mark of what they were applied from changes. */
export async function setEntraSourceHashes(
  db: Conn,
  rows: Array<{ id: string; entraSourceHash: string; rowVersion: string | null }>,
): Promise<void> {
  if (!rows.length) return;
  const result = await sql`
    update recipients as r set entra_source_hash = v.hash
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.entraSourceHash)}::text[],
                ${rows.map((r) => r.rowVersion)}::text[]) as v(id, hash, row_version)
    where r.id = v.id and r.xmin::text = v.row_version`.execute(db);
  expectEveryRowWritten(rows.length, result.numAffectedRows);
}

/** A guarded update that wrote fewer rows than it was given lost to a change made meanwhile. */
function expectEveryRowWritten(expected: number, affected: bigint | undefined): void {
  const written = Number(affected ?? 0);
  if (written !== expected) throw new RecipientChangedMeanwhile(expected, written);
}

/** Only the status columns, for cleanup. */
export async function setRecipientStatuses(
  db: Conn,
  rows: Array<{ id: string; status: RecipientStatus; statusReason: string | null }>,
): Promise<void> {
  if (!rows.length) return;
  await sql`
    update recipients as r set status = v.status, status_reason = v.status_reason, updated_at = now()
    from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.statusReason)}::text[])
      as v(id, status, status_reason)
    where r.id = v.id`.execute(db);
}

/**
 * Memberships of a group that still exists (there is no foreign key: see migration 0009). Those of
 * recipients created in the same transaction cannot exist yet and go in as plain inserts; ON
 * CONFLICT makes every row a speculative insert, which is only worth it where one may exist.
 */
export async function addMemberships(
  db: Conn,
  groupId: string,
  recipients: { created: string[]; existing: string[] },
): Promise<void> {
  const insert = async (ids: string[], orSkip: RawBuilder<unknown>) => {
    if (!ids.length) return;
    await sql`
      insert into group_memberships (group_id, recipient_id)
      select g.id, unnest(${ids}::uuid[]) from groups g where g.id = ${groupId}::uuid
      ${orSkip}`.execute(db);
  };
  await insert(recipients.created, sql``);
  await insert(recipients.existing, sql`on conflict do nothing`);
}

/** Ends memberships: in one group, or (groupId null) in every group. */
export async function removeMemberships(
  db: Conn,
  groupId: string | null,
  recipientIds: string[],
): Promise<void> {
  if (!recipientIds.length) return;
  let query = db
    .deleteFrom('groupMemberships')
    .where(sql<boolean>`recipient_id = any(${recipientIds}::uuid[])`);
  if (groupId) query = query.where('groupId', '=', groupId);
  await query.execute();
}

/**
 * The change history of one chunk, in one statement (source `sync`). `planned` rows are what a run
 * only plans (a preview): listed with the run, never in a recipient's history.
 */
export async function insertChanges(
  db: Conn,
  workspaceId: string,
  syncRunId: string,
  rows: RecipientChange[],
  opts: { planned?: boolean } = {},
): Promise<void> {
  if (!rows.length) return;
  const records = rows.map((r) => ({
    recipient_id: r.recipientId,
    entra_user_id: r.entraUserId,
    action: r.action,
    field: r.field,
    old_value: r.oldValue,
    new_value: r.newValue,
    reason: r.reason,
  }));
  await sql`
    insert into recipient_changes (workspace_id, sync_run_id, recipient_id, entra_user_id, action, field, old_value, new_value, reason, source, planned)
    select ${workspaceId}::uuid, ${syncRunId}::uuid, v.recipient_id, v.entra_user_id, v.action, v.field, v.old_value, v.new_value, v.reason, 'sync', ${opts.planned === true}
    from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
      as v(recipient_id uuid, entra_user_id text, action text, field text, old_value text, new_value text, reason text)`.execute(
    db,
  );
}
