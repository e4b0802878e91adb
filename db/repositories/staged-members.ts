import { sql, type Transaction } from 'kysely';
import type { Db } from '../database';
import type { Database, StagedChange } from '../schema';
import { workspaceOf } from './recipient-writes';

type Conn = Db | Transaction<Database>;

/** A Graph user as staged: the `$select`ed properties, with `id`. */
export type StagedUser = { id: string } & Record<string, unknown>;

/**
 * Stages one Graph page in a single statement, with each user's source hash under the run's Field
 * Settings (`fingerprint`; hashing here costs nothing, the fetch waits on Graph). Guests are staged
 * as `removed` (outcome `excluded_guest`) when the group leaves them out. Returns how many rows were new.
 */
export async function stageUsers(
  db: Conn,
  syncRunId: string,
  users: StagedUser[],
  opts: { excludeGuests: boolean; fingerprint?: string },
): Promise<number> {
  if (!users.length) return 0;
  const result = await sql`
    insert into sync_staged_members (sync_run_id, entra_user_id, change, data, outcome, source_hash)
    select ${syncRunId}::uuid, u.id, g.change, u.data, g.outcome, md5(u.data::text || ${opts.fingerprint ?? null}::text)
    from unnest(${users.map((u) => u.id)}::text[], ${users.map((u) => JSON.stringify(u))}::jsonb[]) as u(id, data)
    cross join lateral (
      select case when ${opts.excludeGuests} and u.data ->> 'userType' = 'Guest' then 'removed' else 'present' end as change,
             case when ${opts.excludeGuests} and u.data ->> 'userType' = 'Guest' then 'excluded_guest' end as outcome
    ) g
    on conflict (sync_run_id, entra_user_id) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export interface DepartedMember {
  entraUserId: string;
  recipientId: string;
  change: Extract<StagedChange, 'removed' | 'deleted'>;
  data: Record<string, unknown> | null;
}

/** Former members that the listing no longer has, classified as removed from the group or deleted. */
export async function stageDeparted(db: Conn, syncRunId: string, rows: DepartedMember[]): Promise<void> {
  if (!rows.length) return;
  await sql`
    insert into sync_staged_members (sync_run_id, entra_user_id, change, data, recipient_id)
    select ${syncRunId}::uuid, d.id, d.change, d.data, d.recipient_id
    from unnest(${rows.map((r) => r.entraUserId)}::text[], ${rows.map((r) => r.change)}::text[],
                ${rows.map((r) => (r.data ? JSON.stringify(r.data) : null))}::jsonb[], ${rows.map((r) => r.recipientId)}::uuid[])
      as d(id, change, data, recipient_id)
    on conflict (sync_run_id, entra_user_id) do nothing`.execute(db);
}

export interface PresentChunkScope {
  syncRunId: string;
  workspaceId: string;
  /** The group whose membership an unchanged member must already hold; null outside group syncs. */
  groupId: string | null;
  /** fieldSettingsFingerprint(); null applies every member in full (no skipping, no hashes). */
  fingerprint: string | null;
}

export interface PresentChunk {
  users: StagedUser[];
  /** Entra id → the hash of the staged data under the settings, what the recipient is marked as applied from. */
  sourceHashes: Map<string, string>;
}

/** The staged row's hash; rows staged by a delta read carry none yet. */
const sourceHashOf = (fingerprint: string | null) =>
  sql<string | null>`coalesce(s.source_hash, md5(s.data::text || ${fingerprint}::text))`;

/**
 * The next chunk of present members after `after` (keyset on the Entra id) that need applying,
 * with their source hashes. With a fingerprint, members whose recipient is active, a member of the
 * group and applied from exactly this data under these settings are passed over inside the same
 * scan, each with one index lookup (`offset 0` fences the check: unfenced, stale statistics can
 * turn it into a scan of every recipient per row). Each staged row is looked at once across the
 * chunks, so an unchanged re-sync reads the staging table in one pass, in bounded memory.
 */
export async function readMembersToApply(
  db: Conn,
  scope: PresentChunkScope,
  after: string,
  limit: number,
): Promise<PresentChunk> {
  const { syncRunId, workspaceId, groupId, fingerprint } = scope;
  const membership = groupId
    ? sql`and exists (select 1 from group_memberships gm where gm.group_id = ${groupId}::uuid and gm.recipient_id = r.id)`
    : sql``;
  const unchanged = fingerprint
    ? sql`and not exists (
        select 1 from recipients r
        where r.workspace_id = ${workspaceOf(workspaceId)} and r.entra_user_id = s.entra_user_id and r.status = 'active'
          and r.entra_source_hash = ${sourceHashOf(fingerprint)} ${membership}
        offset 0)`
    : sql``;
  const { rows } = await sql<{
    entraUserId: string;
    data: Record<string, unknown> | null;
    sourceHash: string | null;
  }>`
    select s.entra_user_id, s.data, ${sourceHashOf(fingerprint)} as source_hash
    from sync_staged_members s
    where s.sync_run_id = ${syncRunId}::uuid and s.change = 'present' and s.entra_user_id > ${after} ${unchanged}
    order by s.entra_user_id
    limit ${limit}`.execute(db);
  const sourceHashes = new Map<string, string>();
  for (const r of rows) if (r.sourceHash) sourceHashes.set(r.entraUserId, r.sourceHash);
  return { users: rows.map((r) => ({ ...(r.data ?? {}), id: r.entraUserId })), sourceHashes };
}

/** Present members no chunk applied: readMembersToApply passed them over as unchanged. */
export async function countPassedOver(db: Conn, syncRunId: string): Promise<number> {
  const row = await db
    .selectFrom('syncStagedMembers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('syncRunId', '=', syncRunId)
    .where('change', '=', 'present')
    .where('outcome', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface CleanupCandidate {
  entraUserId: string;
  change: StagedChange;
  outcome: string | null;
  accountEnabled: boolean | null;
  recipientId: string | null;
}

/** Rows cleanup looks at: removed, deleted, and present but disabled (keyset on the Entra id). */
export async function readCleanupChunk(
  db: Conn,
  syncRunId: string,
  after: string,
  limit: number,
): Promise<CleanupCandidate[]> {
  const { rows } = await sql<CleanupCandidate>`
    select entra_user_id, change, outcome, recipient_id, (data ->> 'accountEnabled')::boolean as account_enabled
    from sync_staged_members
    where sync_run_id = ${syncRunId} and entra_user_id > ${after}
      and (change <> 'present' or data ->> 'accountEnabled' = 'false')
    order by entra_user_id
    limit ${limit}`.execute(db);
  return rows;
}

/** Records what became of each staged member (and which recipient it is), in the chunk's transaction. */
export async function setOutcomes(
  db: Conn,
  syncRunId: string,
  rows: Array<{ entraUserId: string; recipientId: string | null; outcome: string }>,
): Promise<void> {
  if (!rows.length) return;
  await sql`
    update sync_staged_members s set recipient_id = coalesce(v.recipient_id, s.recipient_id), outcome = v.outcome
    from unnest(${rows.map((r) => r.entraUserId)}::text[], ${rows.map((r) => r.recipientId)}::uuid[], ${rows.map((r) => r.outcome)}::text[])
      as v(entra_user_id, recipient_id, outcome)
    where s.sync_run_id = ${syncRunId} and s.entra_user_id = v.entra_user_id`.execute(db);
}
