import { Kysely, sql } from 'kysely';

/**
 * Held runs that explain themselves. Frozen in time.
 * - `sync_runs.hold`: why a run waits for approval, the threshold it crossed, the held cleanup by
 *   effect, and once the hold ends its outcome (approved | canceled | timed_out).
 * - `sync_runs.started_by`, `approved_by`, `canceled_by`: `{type, id}` of an API key, a Schedule or the operator.
 * - `recipient_changes.planned`: a held run's planned removals, listed before (and whether or not) they are applied.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sync_runs')
    .addColumn('hold', 'jsonb')
    .addColumn('started_by', 'jsonb')
    .addColumn('approved_by', 'jsonb')
    .addColumn('canceled_by', 'jsonb')
    .execute();
  await db.schema
    .alterTable('recipient_changes')
    .addColumn('planned', 'boolean', (c) => c.notNull().defaultTo(sql`false`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('recipient_changes').dropColumn('planned').execute();
  await db.schema
    .alterTable('sync_runs')
    .dropColumn('hold')
    .dropColumn('started_by')
    .dropColumn('approved_by')
    .dropColumn('canceled_by')
    .execute();
}
