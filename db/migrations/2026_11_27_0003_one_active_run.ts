import { Kysely, sql } from 'kysely';

/**
 * At most one unfinished run per group, and one unfinished workspace sync per workspace, enforced
 * by Postgres: API-started and Schedule-started runs have different Temporal workflow ids, so only
 * the run records can tell that a group's sync is already going.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Older unfinished duplicates (left by crashed processes) would block the index: close them.
  await sql`
    update sync_runs
       set status = 'failed',
           finished_at = now(),
           error = '{"code":"superseded","message":"closed by a migration: a newer run of the same sync was unfinished too"}'::jsonb
     where status in ('running', 'waiting_approval')
       and kind in ('group', 'workspace')
       and id not in (
         select distinct on (kind, coalesce(group_id, workspace_id)) id
           from sync_runs
          where status in ('running', 'waiting_approval') and kind in ('group', 'workspace')
          order by kind, coalesce(group_id, workspace_id), started_at desc, id desc
       )`.execute(db);

  await sql`
    create unique index sync_runs_one_active_group_run on sync_runs (group_id)
     where kind = 'group' and status in ('running', 'waiting_approval')`.execute(db);
  await sql`
    create unique index sync_runs_one_active_workspace_run on sync_runs (workspace_id)
     where kind = 'workspace' and status in ('running', 'waiting_approval')`.execute(db);
  // The workspace sync sums its children: find them by parent.
  await sql`create index sync_runs_parent on sync_runs (parent_run_id) where parent_run_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists sync_runs_parent`.execute(db);
  await sql`drop index if exists sync_runs_one_active_workspace_run`.execute(db);
  await sql`drop index if exists sync_runs_one_active_group_run`.execute(db);
}
