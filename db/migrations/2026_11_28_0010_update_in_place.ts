import { Kysely, sql } from 'kysely';

/**
 * Cheaper re-syncs of a big group where some members changed. Frozen in time.
 * - Fill factor 80 on `recipients` and `cards`: an update that leaves the indexed columns alone (a
 *   new job title, a card's next version) finds room on its own page and is a heap-only tuple, with
 *   no new entry in any index (docs/performance-notes.md). Only pages written from now on keep
 *   the room.
 * - `sync_staged_members_not_member`: the few staged members that did not end as members of the
 *   group (skipped, excluded guests, cleaned up), which a completed run records as the group's
 *   skipped members. Before, that read walked every staged member of the run. The outcome list is the one `MEMBER_OUTCOMES` had when this was written; the query
 *   spells out the same list, or the planner cannot use the index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table recipients set (fillfactor = 80)`.execute(db);
  await sql`alter table cards set (fillfactor = 80)`.execute(db);
  await sql`create index sync_staged_members_not_member on sync_staged_members (sync_run_id)
    where outcome not in ('created', 'linked', 'updated', 'reactivated', 'unchanged', 'passed_over')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists sync_staged_members_not_member`.execute(db);
  await sql`alter table cards reset (fillfactor)`.execute(db);
  await sql`alter table recipients reset (fillfactor)`.execute(db);
}
