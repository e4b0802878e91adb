import type { Conn } from '../database';
import { sql } from 'kysely';
import type { StagedUser } from './staged-members';

/** The run and group a delta page is staged for. */
export interface DeltaStageScope {
  syncRunId: string;
  workspaceId: string;
  groupId: string;
}

/** The member's recipient, when it holds a membership of the group (joined by Entra id). */
const memberRecipient = (scope: DeltaStageScope, entraUserId: ReturnType<typeof sql.ref>) => sql`
  select r.id from recipients r
  join group_memberships gm on gm.group_id = ${scope.groupId}::uuid and gm.recipient_id = r.id
  where r.workspace_id = ${scope.workspaceId}::uuid and r.entra_user_id = ${entraUserId}`;

/** Last occurrence wins: one statement may not upsert the same row twice. */
function lastById<T extends { id: string }>(items: T[]): T[] {
  return [...new Map(items.map((item) => [item.id, item])).values()];
}

/**
 * groups/delta: members who joined are staged `present` without data (users/delta or a $batch
 * lookup fills it in later); members who left are staged `removed` when they hold a membership
 * here. Someone who left without one (joined earlier in this round, or a skipped member) is simply
 * forgotten: a full read would not list them, and cleanup must not touch their recipient.
 */
export async function stageMembershipChanges(
  db: Conn,
  scope: DeltaStageScope,
  added: string[],
  removed: string[],
): Promise<void> {
  if (added.length) {
    await sql`
      insert into sync_staged_members (sync_run_id, entra_user_id, change)
      select ${scope.syncRunId}::uuid, a.id, 'present' from unnest(${[...new Set(added)]}::text[]) as a(id)
      on conflict (sync_run_id, entra_user_id)
        do update set change = 'present', data = null, outcome = null, recipient_id = null`.execute(db);
  }
  await stageDepartures(db, scope, removed, 'removed');
}

/**
 * Members who are gone: `removed` (left the group) or `deleted` (gone from the directory). Staged
 * only for members with a membership here, with their recipient; anyone else is dropped from the
 * run's staging and from the group's skipped members. One statement.
 */
export async function stageDepartures(
  db: Conn,
  scope: DeltaStageScope,
  entraUserIds: string[],
  change: 'removed' | 'deleted',
): Promise<void> {
  if (!entraUserIds.length) return;
  await sql`
    with gone as (select distinct unnest(${entraUserIds}::text[]) as id),
    member as (
      select gone.id, (${memberRecipient(scope, sql.ref('gone.id'))}) as recipient_id from gone
    ),
    unstaged as (
      delete from sync_staged_members s using member m
      where s.sync_run_id = ${scope.syncRunId}::uuid and s.entra_user_id = m.id and m.recipient_id is null
    ),
    unwatched as (
      delete from group_skipped_members k using gone
      where k.group_id = ${scope.groupId}::uuid and k.entra_user_id = gone.id
    )
    insert into sync_staged_members (sync_run_id, entra_user_id, change, recipient_id)
    select ${scope.syncRunId}::uuid, m.id, ${change}, m.recipient_id from member m where m.recipient_id is not null
    on conflict (sync_run_id, entra_user_id)
      do update set change = excluded.change, data = null, outcome = null, recipient_id = excluded.recipient_id`.execute(
    db,
  );
}

/**
 * users/delta (tenant-wide) or a $batch lookup: stages the users that concern this group: those
 * holding a membership, its skipped members, and those already staged by this run (joiners). Every
 * other user is ignored, by one join in the same statement. A member that groups/delta reported as
 * gone stays `removed`; guests become `removed`/`excluded_guest` when the group leaves them out.
 */
export async function stageChangedUsers(
  db: Conn,
  scope: DeltaStageScope,
  users: StagedUser[],
  opts: { excludeGuests: boolean },
): Promise<void> {
  if (!users.length) return;
  const unique = lastById(users);
  const isGuest = sql`(${opts.excludeGuests} and u.data ->> 'userType' = 'Guest')`;
  await sql`
    insert into sync_staged_members as s (sync_run_id, entra_user_id, change, data, outcome)
    select ${scope.syncRunId}::uuid, u.id,
           case when ${isGuest} then 'removed' else 'present' end, u.data,
           case when ${isGuest} then 'excluded_guest' end
    from unnest(${unique.map((u) => u.id)}::text[], ${unique.map((u) => JSON.stringify(u))}::jsonb[]) as u(id, data)
    where exists (select 1 from sync_staged_members x where x.sync_run_id = ${scope.syncRunId}::uuid and x.entra_user_id = u.id)
       or exists (select 1 from group_skipped_members k where k.group_id = ${scope.groupId}::uuid and k.entra_user_id = u.id)
       or exists (${memberRecipient(scope, sql.ref('u.id'))})
    on conflict (sync_run_id, entra_user_id) do update set
      data = excluded.data,
      change = case when s.change = 'removed' and s.outcome is null then s.change else excluded.change end,
      outcome = case when s.change = 'removed' and s.outcome is null then s.outcome else excluded.outcome end`.execute(
    db,
  );
}

/** Joiners whose user data neither users/delta nor a lookup has delivered yet (keyset on the Entra id). */
export async function readJoinersWithoutData(
  db: Conn,
  syncRunId: string,
  after: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('syncStagedMembers')
    .select('entraUserId')
    .where('syncRunId', '=', syncRunId)
    .where('change', '=', 'present')
    .where('data', 'is', null)
    .where('entraUserId', '>', after)
    .orderBy('entraUserId')
    .limit(limit)
    .execute();
  return rows.map((r) => r.entraUserId);
}

/** `membersFetched` of a delta run: the members whose data it read and staged (set, not added, so a repeat is harmless). */
export async function setDeltaMembersFetched(db: Conn, syncRunId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    update sync_runs set counts = counts || jsonb_build_object('membersFetched', (
      select count(*) from sync_staged_members
      where sync_run_id = ${syncRunId}::uuid and (change = 'present' or outcome = 'excluded_guest')
    ))
    where id = ${syncRunId}::uuid
    returning (counts ->> 'membersFetched')::int as n`.execute(db);
  return rows[0]?.n ?? 0;
}

/**
 * Members of the group changed in the workspace since they were last applied (recipients_edited,
 * their source hash cleared): staged as joiners without data, so the run reads them again by id
 * and applies Field Settings to them as a full read would. Rows of recipients applied since (their
 * hash set again), unlinked or gone are dropped here. One statement.
 */
export async function stageWorkspaceEdits(db: Conn, scope: DeltaStageScope): Promise<void> {
  await sql`
    with edited as (
      select e.recipient_id, r.entra_user_id, r.entra_source_hash, r.id is null as gone
      from recipients_edited e left join recipients r on r.id = e.recipient_id
      where e.workspace_id = ${scope.workspaceId}::uuid
    ),
    settled as (
      delete from recipients_edited e using edited x
      where e.recipient_id = x.recipient_id and (x.gone or x.entra_user_id is null or x.entra_source_hash is not null)
    )
    insert into sync_staged_members (sync_run_id, entra_user_id, change)
    select ${scope.syncRunId}::uuid, x.entra_user_id, 'present' from edited x
    join group_memberships gm on gm.group_id = ${scope.groupId}::uuid and gm.recipient_id = x.recipient_id
    where x.entra_source_hash is null and x.entra_user_id is not null
    on conflict (sync_run_id, entra_user_id) do nothing`.execute(db);
}
