import { sql, type Transaction } from 'kysely';
import type { Db } from '../database';
import type { Database, StagedChange } from '../schema';

type Conn = Db | Transaction<Database>;

/** A Graph user as staged: the `$select`ed properties, with `id`. */
export type StagedUser = { id: string } & Record<string, unknown>;

/**
 * Stages one Graph page in a single statement. Guests are staged as `removed` (outcome
 * `excluded_guest`) when the group leaves them out. Returns how many rows were new.
 */
export async function stageUsers(
  db: Conn,
  syncRunId: string,
  users: StagedUser[],
  opts: { excludeGuests: boolean },
): Promise<number> {
  if (!users.length) return 0;
  const result = await sql`
    insert into sync_staged_members (sync_run_id, entra_user_id, change, data, outcome)
    select ${syncRunId}::uuid, u.id, g.change, u.data, g.outcome
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

/** The next chunk of present members after `after` (keyset on the Entra id). */
export async function readPresentChunk(
  db: Conn,
  syncRunId: string,
  after: string,
  limit: number,
): Promise<StagedUser[]> {
  const rows = await db
    .selectFrom('syncStagedMembers')
    .select(['entraUserId', 'data'])
    .where('syncRunId', '=', syncRunId)
    .where('change', '=', 'present')
    .where('entraUserId', '>', after)
    .orderBy('entraUserId')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...(r.data ?? {}), id: r.entraUserId }));
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
