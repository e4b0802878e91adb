import { Kysely, sql } from 'kysely';

/**
 * Makes the staging table cheap to read after a full re-sync, where most members are staged as
 * passed over. Frozen in time.
 * - `sync_staged_members_to_apply`: the present members without an outcome yet, the only ones
 *   applyFieldSettings reads. Without it each chunk walked the run's whole key range to find the
 *   few hundred changed ones.
 * - `sync_staged_members_to_clean`: the rows cleanup weighs and applies (members that left, and
 *   present but disabled ones), instead of a pass over every staged member.
 * - Statistics target 10 on the staged key columns: `analyze` after a big listing samples a tenth of
 *   the rows; the chunk queries need row counts, not fine histograms (docs/performance-notes.md).
 */
const KEY_COLUMNS = ['sync_run_id', 'entra_user_id', 'change', 'outcome', 'recipient_id'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index sync_staged_members_to_apply on sync_staged_members (sync_run_id, entra_user_id)
    where change = 'present' and outcome is null`.execute(db);
  await sql`create index sync_staged_members_to_clean on sync_staged_members (sync_run_id, entra_user_id)
    where change <> 'present' or data ->> 'accountEnabled' = 'false'`.execute(db);
  for (const column of KEY_COLUMNS)
    await sql`alter table sync_staged_members alter column ${sql.ref(column)} set statistics 10`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of KEY_COLUMNS)
    await sql`alter table sync_staged_members alter column ${sql.ref(column)} set statistics -1`.execute(db);
  await sql`drop index if exists sync_staged_members_to_clean`.execute(db);
  await sql`drop index if exists sync_staged_members_to_apply`.execute(db);
}
