import type { Conn, Trx } from '../database';
import { sql, type RawBuilder } from 'kysely';
import { isUniqueViolation } from '../active-run-constraints';
import type { RecipientStatus } from '../../domain/recipient';
import type { StagedChange } from '../schema';
import { workspaceOf } from './recipient-writes';

/** A Graph user as staged: the `$select`ed properties, with `id`. */
export type StagedUser = { id: string } & Record<string, unknown>;

/** Where a staged member counts as unchanged: an active recipient of the workspace, and a member of the group (if any). */
export interface UnchangedScope {
  workspaceId: string;
  groupId: string | null;
}

/** Outcome of a present member staged as unchanged: applyFieldSettings never reads it. */
export const PASSED_OVER = 'passed_over';

/**
 * Outcomes with which applyFieldSettings made (or kept) the member a member of the group, in the
 * same transaction (engine/apply-users.ts); cleanup overwrites the outcome of anyone
 * it takes out later.
 */
export const MEMBER_OUTCOMES = [
  'created',
  'linked',
  'updated',
  'reactivated',
  'unchanged',
  PASSED_OVER,
] as const;

/**
 * Whether the member's recipient is active, in the scope's group, and was applied from exactly
 * `hash`. `offset 0` fences it into one index lookup per row: unfenced, stale statistics can turn
 * it into a scan of every recipient per row.
 */
function appliedFrom(entraUserId: RawBuilder<unknown>, hash: RawBuilder<unknown>, scope: UnchangedScope) {
  const membership = scope.groupId
    ? sql`and exists (select 1 from group_memberships gm where gm.group_id = ${scope.groupId}::uuid and gm.recipient_id = r.id)`
    : sql``;
  return sql`exists (
    select 1 from recipients r
    where r.workspace_id = ${workspaceOf(scope.workspaceId)} and r.entra_user_id = ${entraUserId} and r.status = 'active'
      and r.entra_source_hash = ${hash} ${membership}
    offset 0)`;
}

export interface StagedCounts {
  added: number;
  passedOver: number;
  /** With `toApply`: Entra id → source hash of each member staged present and still to apply. */
  toApply?: Record<string, string> | null;
}

/**
 * Stages one Graph page in a single statement (the page travels as one JSON document: as arrays of
 * documents it cost twice as much to send and parse), with each user's source hash under the
 * run's Field Settings (`fingerprint`). Guests are staged as `removed` (outcome `excluded_guest`)
 * when the group leaves them out. With `unchanged`, members applied before from the same data are
 * staged as passed over, so applyFieldSettings never reads them: the lookups cost nothing here,
 * where the fetch waits on Graph. Returns how many rows were new, and how many were passed over;
 * with `toApply`, also which members are left to apply (a user listed twice is in it once).
 */
export async function stageUsers(
  trx: Trx,
  syncRunId: string,
  users: StagedUser[],
  opts: { excludeGuests: boolean; fingerprint?: string; unchanged?: UnchangedScope; toApply?: boolean },
): Promise<StagedCounts> {
  if (!users.length) return { added: 0, passedOver: 0 };
  const passedOver =
    opts.unchanged && opts.fingerprint
      ? sql`when ${appliedFrom(sql`u.id`, sql`g.hash`, opts.unchanged)} then ${PASSED_OVER}`
      : sql``;
  const counted = ({ toApply, ...counts }: StagedCounts): StagedCounts =>
    opts.toApply ? { ...counts, toApply: toApply ?? {} } : counts;
  const insert = (skipStaged: boolean) => sql<StagedCounts>`
    with staged as (
      insert into sync_staged_members (sync_run_id, entra_user_id, change, data, outcome, source_hash)
    select ${syncRunId}::uuid, u.id, g.change, u.data,
      case when g.change = 'removed' then 'excluded_guest' ${passedOver} end, g.hash
    from jsonb_array_elements(${JSON.stringify(users)}::jsonb) as e(data)
    cross join lateral (select e.data ->> 'id' as id, e.data) u
    cross join lateral (
      select case when ${opts.excludeGuests} and u.data ->> 'userType' = 'Guest' then 'removed' else 'present' end as change,
             md5(u.data::text || ${opts.fingerprint ?? null}::text) as hash
    ) g
    ${skipStaged ? sql`on conflict (sync_run_id, entra_user_id) do nothing` : sql``}
    returning entra_user_id, change, outcome, source_hash)
    select count(*)::int as added, (count(*) filter (where outcome = ${PASSED_OVER}))::int as passed_over,
      ${
        opts.toApply
          ? sql`json_object_agg(entra_user_id, source_hash) filter (where change = 'present' and outcome is null)`
          : sql`null`
      } as to_apply
    from staged`;
  // A user listed twice is staged once. `on conflict` would say so for every row at a cost as high
  // as the lookups (docs/performance-notes.md); a page that does repeat someone is inserted again with it.
  await sql`savepoint stage_users`.execute(trx);
  try {
    const { rows } = await insert(false).execute(trx);
    await sql`release savepoint stage_users`.execute(trx);
    return counted(rows[0]!);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await sql`rollback to savepoint stage_users`.execute(trx);
    const { rows } = await insert(true).execute(trx);
    return counted(rows[0]!);
  }
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

export interface PresentChunkScope extends UnchangedScope {
  syncRunId: string;
  /** fieldSettingsFingerprint(); null applies every member in full (no skipping, no hashes). */
  fingerprint: string | null;
  /**
   * The listing checked photos ahead (sync_photo_checks): members it passed over come back when
   * their photo is not the one stored, or was not checked.
   */
  photosCheckedAhead?: boolean;
}

export interface PresentChunk {
  users: StagedUser[];
  /** Entra id → the hash of the staged data under the settings, what the recipient is marked as applied from. */
  sourceHashes: Map<string, string>;
  /** Members among `users` the listing had passed over (and counted unchanged): their photo moved. */
  passedOver: number;
}

/**
 * A passed-over member whose photo as checked ahead is not the recipient's stored one: a photo
 * appeared, went, or has another etag; or the check failed and is to be made when applied.
 */
function photoMoved(scope: PresentChunkScope) {
  return sql`not exists (
    select 1 from sync_photo_checks c
      join recipients r on r.workspace_id = ${workspaceOf(scope.workspaceId)} and r.entra_user_id = c.entra_user_id
      left join recipient_photos p on p.recipient_id = r.id
     where c.sync_run_id = s.sync_run_id and c.entra_user_id = s.entra_user_id
       and case when c.has_photo then c.media_etag = p.media_etag else p.recipient_id is null end
    offset 0)`;
}

/** The staged row's hash; rows staged by a delta read carry none yet. */
const sourceHashOf = (fingerprint: string | null) =>
  sql<string | null>`coalesce(s.source_hash, md5(s.data::text || ${fingerprint}::text))`;

/**
 * The next chunk of present members after `after` (keyset on the Entra id) that need applying,
 * with their source hashes. Members staged as passed over are left out, and so, with a
 * fingerprint, are those staged without that check (delta reads) whose recipient turns out to be
 * applied from the same data (appliedFrom, inside the same scan). Rows the listing staged are not
 * looked up again: one it found unapplied and that another run applied since is applied again,
 * unchanged. Each staged row is looked at once across the chunks, so an unchanged re-sync reads
 * the staging table in one pass.
 */
export async function readMembersToApply(
  db: Conn,
  scope: PresentChunkScope,
  after: string,
  limit: number,
): Promise<PresentChunk> {
  const { syncRunId, fingerprint } = scope;
  // Rows with a source hash were staged by a full listing, which passed over the applied ones then.
  const unchanged = fingerprint
    ? sql`and (s.source_hash is not null or not ${appliedFrom(sql`s.entra_user_id`, sourceHashOf(fingerprint), scope)})`
    : sql``;
  const outcome = scope.photosCheckedAhead
    ? sql`(s.outcome is null or (s.outcome = ${PASSED_OVER} and ${photoMoved(scope)}))`
    : sql`s.outcome is null`;
  const { rows } = await sql<{
    entraUserId: string;
    data: Record<string, unknown> | null;
    sourceHash: string | null;
    passedOver: boolean;
  }>`
    select s.entra_user_id, s.data, ${sourceHashOf(fingerprint)} as source_hash,
           s.outcome is not null as passed_over
    from sync_staged_members s
    where s.sync_run_id = ${syncRunId}::uuid and s.change = 'present' and ${outcome}
      and s.entra_user_id > ${after} ${unchanged}
    order by s.entra_user_id
    limit ${limit}`.execute(db);
  const sourceHashes = new Map<string, string>();
  for (const r of rows) if (r.sourceHash) sourceHashes.set(r.entraUserId, r.sourceHash);
  return {
    users: rows.map((r) => ({ ...(r.data ?? {}), id: r.entraUserId })),
    sourceHashes,
    passedOver: rows.filter((r) => r.passedOver).length,
  };
}

/**
 * Present members readMembersToApply passed over (rows staged without the check, by delta reads);
 * those staged as passed over were counted when staged.
 */
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

/**
 * Records what became of each staged member (and which recipient it is), in the chunk's transaction.
 * The Graph data of an enabled member is dropped with it: nothing reads it once the member is
 * applied (cleanup reads only disabled members' data), and the row version this update writes is
 * then a few dozen bytes instead of a copy of the whole user.
 */
export async function setOutcomes(
  db: Conn,
  syncRunId: string,
  rows: Array<{ entraUserId: string; recipientId: string | null; outcome: string }>,
): Promise<void> {
  if (!rows.length) return;
  await sql`
    update sync_staged_members s set recipient_id = coalesce(v.recipient_id, s.recipient_id), outcome = v.outcome,
      data = case when s.data ->> 'accountEnabled' = 'false' then s.data end
    from unnest(${rows.map((r) => r.entraUserId)}::text[], ${rows.map((r) => r.recipientId)}::uuid[], ${rows.map((r) => r.outcome)}::text[])
      as v(entra_user_id, recipient_id, outcome)
    where s.sync_run_id = ${syncRunId} and s.entra_user_id = v.entra_user_id`.execute(db);
}

export interface CleanupTally {
  kind: 'disabled' | 'removed' | 'deleted';
  status: RecipientStatus;
  isMember: boolean;
  n: number;
}

/** Cleanup cases of the run, grouped by what decides their effect (for the deletion threshold). */
export async function tallyCleanupCases(
  db: Conn,
  workspaceId: string,
  groupId: string,
  syncRunId: string,
): Promise<CleanupTally[]> {
  const { rows } = await sql<CleanupTally>`
    select case when s.change = 'present' then 'disabled' else s.change end as kind, r.status,
           (gm.recipient_id is not null) as is_member, count(*)::int as n
    from sync_staged_members s
    join recipients r on r.workspace_id = ${workspaceId} and r.entra_user_id = s.entra_user_id
    left join group_memberships gm on gm.group_id = ${groupId} and gm.recipient_id = r.id
    where s.sync_run_id = ${syncRunId} and (s.change <> 'present' or s.data ->> 'accountEnabled' = 'false')
    group by 1, 2, 3`.execute(db);
  return rows;
}
