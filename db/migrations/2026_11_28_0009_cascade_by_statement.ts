import { Kysely, sql } from 'kysely';

/**
 * Replaces the foreign keys of the per-member tables with statement-level delete triggers that do
 * the same cascades. Frozen in time.
 *
 * A foreign key costs one locking lookup of the parent row per inserted child row, and a first sync
 * paid seven such checks per member (recipient → workspace; membership → group and recipient; card
 * → group and recipient; version and event → card). The measurements are in
 * docs/performance-notes.md.
 *
 * What the keys guaranteed now comes from elsewhere:
 * - Deletes still cascade, once per statement over the deleted set (`old table`), through the same
 *   indexes: workspace → recipients; recipient or group → memberships and cards; card → versions
 *   and events. Rows that cascade from cascades (a group's cards' versions) follow the same way.
 * - Inserts cannot orphan: every writer of memberships and cards holds the workspace's sync lock,
 *   and so does unlinking a group (the only hard delete of a parent the API offers; recipients
 *   are deleted by status). The inserts also select their parents (the group, the card just
 *   written), so a row whose parent is gone is not written rather than left dangling.
 */
const DROPPED: Array<[table: string, constraint: string, definition: string]> = [
  [
    'recipients',
    'recipients_workspace_id_fkey',
    'foreign key (workspace_id) references workspaces(id) on delete cascade',
  ],
  [
    'group_memberships',
    'group_memberships_group_id_fkey',
    'foreign key (group_id) references groups(id) on delete cascade',
  ],
  [
    'group_memberships',
    'group_memberships_recipient_id_fkey',
    'foreign key (recipient_id) references recipients(id) on delete cascade',
  ],
  ['cards', 'cards_group_id_fkey', 'foreign key (group_id) references groups(id) on delete cascade'],
  [
    'cards',
    'cards_recipient_id_fkey',
    'foreign key (recipient_id) references recipients(id) on delete cascade',
  ],
  [
    'card_versions',
    'card_versions_card_id_fkey',
    'foreign key (card_id) references cards(id) on delete cascade',
  ],
  ['card_events', 'card_events_card_id_fkey', 'foreign key (card_id) references cards(id) on delete cascade'],
];

/** Parent table → the statements that delete its children, given the deleted rows as `gone`. */
const CASCADES: Record<string, string[]> = {
  workspaces: ['delete from recipients x using gone where x.workspace_id = gone.id'],
  recipients: [
    'delete from group_memberships x using gone where x.recipient_id = gone.id',
    'delete from cards x using gone where x.recipient_id = gone.id',
  ],
  groups: [
    'delete from group_memberships x using gone where x.group_id = gone.id',
    'delete from cards x using gone where x.group_id = gone.id',
  ],
  cards: [
    'delete from card_versions x using gone where x.card_id = gone.id',
    'delete from card_events x using gone where x.card_id = gone.id',
  ],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, constraint] of DROPPED)
    await sql`alter table ${sql.table(table)} drop constraint ${sql.ref(constraint)}`.execute(db);
  for (const [parent, statements] of Object.entries(CASCADES)) {
    const fn = `cascade_${parent}_delete`;
    await sql`create or replace function ${sql.ref(fn)}() returns trigger language plpgsql as ${sql.lit(
      `begin\n  ${statements.join(';\n  ')};\n  return null;\nend`,
    )}`.execute(db);
    await sql`create trigger ${sql.ref(`${parent}_cascade`)} after delete on ${sql.table(parent)}
      referencing old table as gone for each statement execute function ${sql.ref(fn)}()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const parent of Object.keys(CASCADES)) {
    await sql`drop trigger if exists ${sql.ref(`${parent}_cascade`)} on ${sql.table(parent)}`.execute(db);
    await sql`drop function if exists ${sql.ref(`cascade_${parent}_delete`)}()`.execute(db);
  }
  for (const [table, constraint, definition] of DROPPED)
    await sql`alter table ${sql.table(table)} add constraint ${sql.ref(constraint)} ${sql.raw(definition)}`.execute(
      db,
    );
}
