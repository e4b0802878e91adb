import { Kysely, sql } from 'kysely';

/**
 * State that incremental (delta) group syncs keep between runs. Frozen in time.
 * - `groups.delta_links_basis`: a hash of the settings the stored delta links were made under
 *   (sync options, field settings, card template); when it no longer matches, the next sync is full.
 * - `group_skipped_members`: members of the Entra group that hold no membership here (skipped: no
 *   email, disabled and new, email taken; excluded guests), so a delta sync still hears about their
 *   changes in the tenant-wide users/delta (e.g. a disabled new hire who is enabled later).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('groups').addColumn('delta_links_basis', 'text').execute();
  await db.schema
    .createTable('group_skipped_members')
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('entra_user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('group_skipped_members_pk', ['group_id', 'entra_user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('group_skipped_members').ifExists().execute();
  await db.schema.alterTable('groups').dropColumn('delta_links_basis').execute();
}
