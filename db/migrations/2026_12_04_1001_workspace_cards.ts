import { Kysely, sql } from 'kysely';

/**
 * Cards for any recipient, not only through a group. Frozen in time.
 * - `cards.group_id` may be null: a workspace card, rendered from the workspace's template.
 * - `cards_workspace_card`: at most one workspace card per recipient. A unique index over
 *   (recipient_id, group_id) counts NULLs as distinct, so the rule is a partial index; it leads
 *   with the workspace, which is how a template change finds the cards to render again.
 * - `workspaces.card_template`: the workspace cards' template; null means the built-in default
 *   (domain/card.ts DEFAULT_CARD_TEMPLATE when this was written), so a new default reaches every
 *   workspace that never chose its own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table cards alter column group_id drop not null`.execute(db);
  await sql`create unique index cards_workspace_card on cards (workspace_id, recipient_id) where group_id is null`.execute(
    db,
  );
  await db.schema.alterTable('workspaces').addColumn('card_template', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('workspaces').dropColumn('card_template').execute();
  await sql`delete from cards where group_id is null`.execute(db);
  await sql`drop index if exists cards_workspace_card`.execute(db);
  await sql`alter table cards alter column group_id set not null`.execute(db);
}
