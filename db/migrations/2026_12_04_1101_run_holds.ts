import { Kysely, sql } from 'kysely';

/**
 * Held runs that explain themselves. Frozen in time.
 * - `sync_runs.hold`: why a run waits for approval, the threshold it crossed, the held cleanup by
 *   effect, and once the hold ends its outcome (approved | canceled | timed_out).
 * - `sync_runs.started_by`, `approved_by`, `canceled_by`: `{type, id}` of an API key, a Schedule or the operator.
 * - `recipient_changes.planned`: a held run's planned removals, listed before (and whether or not)
 *   they are applied; never in a recipient's history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sync_runs')
    .addColumn('hold', 'jsonb')
    .addColumn('started_by', 'jsonb')
    .addColumn('approved_by', 'jsonb')
    .addColumn('canceled_by', 'jsonb')
    .execute();
  // `if not exists`: the preview runs' migration (2026_12_04_1201) adds the same column the same way.
  await sql`alter table recipient_changes add column if not exists planned boolean not null default false`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table recipient_changes drop column if exists planned`.execute(db);
  await db.schema
    .alterTable('sync_runs')
    .dropColumn('hold')
    .dropColumn('started_by')
    .dropColumn('approved_by')
    .dropColumn('canceled_by')
    .execute();
}
