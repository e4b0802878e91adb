import { sql } from 'kysely';
import type { Conn, Db } from '../database';
import type { CardRow } from '../schema';

export type PublicCardLookup =
  { found: 'card'; card: CardRow; indexable: boolean } | { found: 'retired' } | { found: 'none' };

/** The card behind a public slug with its workspace's indexing choice, or whether the slug was retired. */
export async function findCardBySlug(db: Db, slug: string): Promise<PublicCardLookup> {
  const row = await db
    .selectFrom('cards')
    .innerJoin('workspaces', 'workspaces.id', 'cards.workspaceId')
    .selectAll('cards')
    .select('workspaces.publicPagesIndexable')
    .where('cards.slug', '=', slug)
    .executeTakeFirst();
  if (row) {
    const { publicPagesIndexable, ...card } = row;
    return { found: 'card', card, indexable: publicPagesIndexable };
  }
  const retired = await db
    .selectFrom('retiredCardSlugs')
    .select('slug')
    .where('slug', '=', slug)
    .executeTakeFirst();
  return retired ? { found: 'retired' } : { found: 'none' };
}

/**
 * Gives the card a new slug (the column's random default) and retires the old one, in one
 * statement; undefined when the card is not in the workspace.
 */
export async function rotateCardSlug(
  db: Conn,
  workspaceId: string,
  cardId: string,
): Promise<CardRow | undefined> {
  const { rows } = await sql<CardRow>`
    with old as (
      select id, slug, workspace_id from cards where id = ${cardId}::uuid and workspace_id = ${workspaceId}::uuid for update
    ),
    retired as (
      insert into retired_card_slugs (slug, card_id, workspace_id) select slug, id, workspace_id from old
    )
    update cards c set slug = default from old where c.id = old.id
    returning c.*`.execute(db);
  return rows[0];
}

export async function getWorkspaceSettings(
  db: Db,
  workspaceId: string,
): Promise<{ publicPagesIndexable: boolean }> {
  return db
    .selectFrom('workspaces')
    .select('publicPagesIndexable')
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
}

export async function setWorkspaceSettings(
  db: Db,
  workspaceId: string,
  settings: { publicPagesIndexable: boolean },
): Promise<{ publicPagesIndexable: boolean }> {
  return db
    .updateTable('workspaces')
    .set(settings)
    .where('id', '=', workspaceId)
    .returning('publicPagesIndexable')
    .executeTakeFirstOrThrow();
}
