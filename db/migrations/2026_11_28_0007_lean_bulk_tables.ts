import { Kysely, sql } from 'kysely';

/**
 * Drops the foreign keys of the tables a group sync writes one row per member into, where the key
 * guards nothing the code does not already guarantee. Frozen in time.
 *
 * Postgres checks a foreign key with one query per inserted row, which cost as much as the insert
 * itself, and a first sync checked 13 keys per member (docs/performance-notes.md).
 * - `recipient_changes` (workspace, run, recipient): an audit log outlives what it describes; it now
 *   keeps the id of a deleted recipient instead of setting it null.
 * - `cards.workspace_id`, `card_events.workspace_id`: the card's recipient already belongs to the
 *   workspace, and deleting the recipient (or its workspace) still deletes the card and its events.
 * - `sync_staged_members.sync_run_id`: working rows, written only by the run's own activities and
 *   deleted by them when the run ends.
 * The keys that make deletes cascade (cards → recipient and group, versions and events → card,
 * memberships → recipient and group) stay.
 */
const DROPPED: Array<[table: string, constraint: string]> = [
  ['recipient_changes', 'recipient_changes_workspace_id_fkey'],
  ['recipient_changes', 'recipient_changes_sync_run_id_fkey'],
  ['recipient_changes', 'recipient_changes_recipient_id_fkey'],
  ['cards', 'cards_workspace_id_fkey'],
  ['card_events', 'card_events_workspace_id_fkey'],
  ['sync_staged_members', 'sync_staged_members_sync_run_id_fkey'],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, constraint] of DROPPED)
    await sql`alter table ${sql.table(table)} drop constraint if exists ${sql.ref(constraint)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table recipient_changes add constraint recipient_changes_workspace_id_fkey
    foreign key (workspace_id) references workspaces(id) on delete cascade`.execute(db);
  await sql`alter table recipient_changes add constraint recipient_changes_sync_run_id_fkey
    foreign key (sync_run_id) references sync_runs(id) on delete cascade`.execute(db);
  await sql`alter table recipient_changes add constraint recipient_changes_recipient_id_fkey
    foreign key (recipient_id) references recipients(id) on delete set null`.execute(db);
  await sql`alter table cards add constraint cards_workspace_id_fkey
    foreign key (workspace_id) references workspaces(id) on delete cascade`.execute(db);
  await sql`alter table card_events add constraint card_events_workspace_id_fkey
    foreign key (workspace_id) references workspaces(id) on delete cascade`.execute(db);
  await sql`alter table sync_staged_members add constraint sync_staged_members_sync_run_id_fkey
    foreign key (sync_run_id) references sync_runs(id) on delete cascade`.execute(db);
}
