import { sql } from 'kysely';
import type { Trx } from '../database';
import { MEMBER_OUTCOMES } from './staged-members';
import { workspaceOf } from './recipient-writes';

/** Delta links a run leaves for the next delta sync of its group, and the settings they were made under. */
export interface DeltaLinks {
  members: string;
  users: string;
  basis: string;
}

/**
 * What a completed group run leaves on its group, in finishSyncRun's transaction (so a failed or
 * canceled run leaves the previous links, and its successor repeats the same delta window):
 * - last synced (and last full sync for a full run);
 * - the run's delta links, or none (nested groups, or links that could not be made: next run full);
 * - the group's skipped members: members of the Entra group that this run staged without a
 *   membership here. A full run replaces the set; a delta run updates the members it staged.
 * Must run before the run's staging is dropped.
 */
export async function recordCompletedGroupRun(
  trx: Trx,
  run: {
    id: string;
    workspaceId: string;
    groupId: string;
    syncType: 'full' | 'delta';
    links: DeltaLinks | null;
  },
): Promise<void> {
  const now = new Date();
  await trx
    .updateTable('groups')
    .set({
      lastSyncedAt: now,
      ...(run.syncType === 'full' ? { lastFullSyncAt: now } : {}),
      membersDeltaLink: run.links?.members ?? null,
      usersDeltaLink: run.links?.users ?? null,
      deltaLinksBasis: run.links?.basis ?? null,
    })
    .where('id', '=', run.groupId)
    .execute();

  if (run.syncType === 'full') {
    await trx.deleteFrom('groupSkippedMembers').where('groupId', '=', run.groupId).execute();
  } else {
    await sql`
      delete from group_skipped_members k using sync_staged_members s
      where k.group_id = ${run.groupId}::uuid and s.sync_run_id = ${run.id}::uuid and s.entra_user_id = k.entra_user_id`.execute(
      trx,
    );
  }
  await sql`
    insert into group_skipped_members (group_id, entra_user_id)
    select ${run.groupId}::uuid, s.entra_user_id from sync_staged_members s
    where s.sync_run_id = ${run.id}::uuid and (s.change = 'present' or s.outcome = 'excluded_guest')
      -- no outcome (passed over by the read) or a member's outcome: a member of the group; checking
      -- only the rest spares a first sync 100,000 lookups
      -- spelled out as constants, which the partial index sync_staged_members_not_member is made of
      and s.outcome not in (${sql.join(MEMBER_OUTCOMES.map((o) => sql.lit(o)))})
      -- offset 0: a lookup per staged row, never a scan of every workspace's recipients per row
      and not exists (
        select 1 from recipients r join group_memberships gm on gm.group_id = ${run.groupId}::uuid and gm.recipient_id = r.id
        where r.workspace_id = ${workspaceOf(run.workspaceId)} and r.entra_user_id = s.entra_user_id
        offset 0)
    on conflict do nothing`.execute(trx);
}

/**
 * The group's size after a completed run and, for a delta run, how many of its members the run did
 * not stage (untouched, so unchanged). Reads the run's staging, so it runs before that is dropped;
 * a delta run stages few rows.
 */
export async function tallyGroupAfterRun(
  trx: Trx,
  run: { id: string; workspaceId: string; groupId: string; syncType: 'full' | 'delta' },
): Promise<{ memberCount: number; untouched: number }> {
  const staged =
    run.syncType === 'delta'
      ? sql`(select count(*) from sync_staged_members s
          join recipients r on r.workspace_id = ${workspaceOf(run.workspaceId)} and r.entra_user_id = s.entra_user_id
          join group_memberships gm on gm.group_id = ${run.groupId}::uuid and gm.recipient_id = r.id
          where s.sync_run_id = ${run.id}::uuid)::int`
      : sql`null::int`;
  const { rows } = await sql<{ memberCount: number; staged: number | null }>`
    select (select count(*) from group_memberships where group_id = ${run.groupId}::uuid)::int as member_count,
      ${staged} as staged`.execute(trx);
  const { memberCount, staged: n } = rows[0]!;
  return { memberCount, untouched: n === null ? 0 : Math.max(0, memberCount - n) };
}
