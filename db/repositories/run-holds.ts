import { sql } from 'kysely';
import type { HoldOutcome, RunActor, RunHold } from '../../contracts/sync-runs';
import type { CleanupEffect, CleanupKind } from '../../domain/cleanup-policy';
import type { Conn } from '../database';

export interface PlannedRemovals {
  workspaceId: string;
  groupId: string;
  syncRunId: string;
  /** The group's Sync Options applied to each kind of case (domain/cleanup-policy.ts `cleanupEffect`). */
  effects: Record<CleanupKind, Pick<CleanupEffect, 'status' | 'removeMembership'>>;
  reasons: Record<CleanupKind, string>;
}

/**
 * A held run's planned removals as change rows marked `planned`, in one statement over the same
 * cases as `tallyCleanupCases`. The action per recipient mirrors `cleanupOutcome`
 * (domain/cleanup-policy.ts): delete, else deactivate, else leave the group. Rewritten whole on a retry.
 */
export async function writePlannedRemovals(db: Conn, p: PlannedRemovals): Promise<void> {
  await db
    .deleteFrom('recipientChanges')
    .where('syncRunId', '=', p.syncRunId)
    .where('planned', '=', true)
    .execute();
  const kinds = Object.keys(p.effects) as CleanupKind[];
  await sql`
    with eff(kind, status, remove_membership, reason) as (
      select * from unnest(${kinds}::text[], ${kinds.map((k) => p.effects[k].status)}::text[],
        ${kinds.map((k) => p.effects[k].removeMembership)}::boolean[], ${kinds.map((k) => p.reasons[k])}::text[])
    ),
    cases as (
      select r.id as recipient_id, s.entra_user_id, r.status as old_status, e.status as new_status, e.reason,
        case
          when e.status = 'deleted' and r.status <> 'deleted' then 'deleted'
          when e.status = 'deactivated' and r.status = 'active' then 'deactivated'
          when e.remove_membership and gm.recipient_id is not null then 'removed_from_group'
        end as action
      from sync_staged_members s
      join recipients r on r.workspace_id = ${p.workspaceId} and r.entra_user_id = s.entra_user_id
      join eff e on e.kind = case when s.change = 'present' then 'disabled' else s.change end
      left join group_memberships gm on gm.group_id = ${p.groupId} and gm.recipient_id = r.id
      where s.sync_run_id = ${p.syncRunId} and (s.change <> 'present' or s.data ->> 'accountEnabled' = 'false')
    )
    insert into recipient_changes
      (workspace_id, sync_run_id, recipient_id, entra_user_id, action, field, old_value, new_value, reason, source, planned)
    select ${p.workspaceId}, ${p.syncRunId}, recipient_id, entra_user_id, action,
      case when action = 'removed_from_group' then null else 'status' end,
      case when action = 'removed_from_group' then ${p.groupId} else old_status end,
      case when action = 'removed_from_group' then null else new_status end,
      reason, 'sync', true
    from cases where action is not null
    order by entra_user_id`.execute(db);
}

export async function writeRunHold(db: Conn, syncRunId: string, hold: RunHold): Promise<void> {
  await db
    .updateTable('syncRuns')
    .set({ hold: JSON.stringify(hold) })
    .where('id', '=', syncRunId)
    .execute();
}

/**
 * The workflow's word on how the hold ended; it overrides the API's (an approval that met the
 * timeout is recorded by the API as approved, but the workflow went on without the cleanup).
 */
export async function setHoldOutcome(db: Conn, syncRunId: string, outcome: HoldOutcome): Promise<void> {
  await sql`
    update sync_runs set hold = jsonb_set(hold, '{outcome}', to_jsonb(${outcome}::text))
    where id = ${syncRunId} and hold is not null`.execute(db);
}

/**
 * Records the approver of a waiting run, once: false when the run is not waiting or was approved already.
 * The hold's outcome is written with it, so the answer to the approval already shows it.
 */
export async function recordApproval(db: Conn, syncRunId: string, by: RunActor): Promise<boolean> {
  const result = await sql`
    update sync_runs set approved_by = ${JSON.stringify(by)}::jsonb,
      hold = case when hold is null then null else jsonb_set(hold, '{outcome}', '"approved"') end
    where id = ${syncRunId} and status = 'waiting_approval' and approved_by is null`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** Records who canceled an unfinished run (the last request wins); a held run's hold ends canceled. */
export async function recordCancellation(db: Conn, syncRunId: string, by: RunActor): Promise<void> {
  await sql`
    update sync_runs set canceled_by = ${JSON.stringify(by)}::jsonb,
      hold = case when status = 'waiting_approval' and hold is not null and hold ->> 'outcome' is null
        then jsonb_set(hold, '{outcome}', '"canceled"') else hold end
    where id = ${syncRunId} and status in ('running', 'waiting_approval')`.execute(db);
}

/** Takes back an approval whose signal found no workflow to reach, so the record does not claim it. */
export async function undoApproval(db: Conn, syncRunId: string): Promise<void> {
  await sql`
    update sync_runs set approved_by = null,
      hold = case when hold is null then null else jsonb_set(hold, '{outcome}', 'null') end
    where id = ${syncRunId} and status = 'waiting_approval'`.execute(db);
}
