import { Kysely, sql } from 'kysely';

/**
 * Preview runs (kind `preview`). Frozen in time.
 * - `recipient_changes.planned`: a change a preview (or a held run) only plans; it is listed with
 *   its run, never in a recipient's history. `if not exists`: another migration may add the same
 *   column, and whichever runs second leaves it as it is.
 * - One unfinished preview per group: a second start meets the first (the API answers 409 with it);
 *   a preview runs beside its group's sync, whose unique index counts kind `group` only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table recipient_changes add column if not exists planned boolean not null default false`.execute(
    db,
  );
  await sql`
    create unique index if not exists sync_runs_one_active_preview on sync_runs (group_id)
     where kind = 'preview' and status in ('running', 'waiting_approval')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists sync_runs_one_active_preview`.execute(db);
  await sql`alter table recipient_changes drop column if exists planned`.execute(db);
}
