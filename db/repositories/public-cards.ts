import { sql } from 'kysely';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Conn, Db } from '../database';
import type { CardRow } from '../schema';
import { cardSlug, parseCardSlug } from '../../domain/card-slug';

export type PublicCardLookup =
  { found: 'card'; card: CardRow; indexable: boolean } | { found: 'retired' } | { found: 'none' };

/**
 * The card a public slug names (by the id inside it, the key compared in constant time) with its
 * workspace's indexing choice; else whether the slug was retired (rotated, or its card deleted).
 */
export async function findCardBySlug(db: Db, slug: string): Promise<PublicCardLookup> {
  const parsed = parseCardSlug(slug);
  if (!parsed) return { found: 'none' };
  const row = await db
    .selectFrom('cards')
    .innerJoin('workspaces', 'workspaces.id', 'cards.workspaceId')
    .selectAll('cards')
    .select('workspaces.publicPagesIndexable')
    .where('cards.id', '=', parsed.cardId)
    .executeTakeFirst();
  if (row && row.slugKey.length === parsed.key.length && timingSafeEqual(row.slugKey, parsed.key)) {
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

/** Gives the card a new slug key and retires its old slug; undefined when the card is not in the workspace. */
export async function rotateCardSlug(
  db: Db,
  workspaceId: string,
  cardId: string,
): Promise<CardRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const card = await trx
      .selectFrom('cards')
      .select(['id', 'slugKey'])
      .where('id', '=', cardId)
      .where('workspaceId', '=', workspaceId)
      .forUpdate()
      .executeTakeFirst();
    if (!card) return undefined;
    await retire(trx, workspaceId, card.id, cardSlug(card.id, card.slugKey));
    const rotated = await trx
      .updateTable('cards')
      .set({ slugKey: randomBytes(16) })
      .where('id', '=', card.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // subscribers keep the card's address: they hear of the new one (same version, new publicUrl)
    await sql`
      insert into events (workspace_id, type, card_id, recipient_id, data, group_id, card_version, card_status,
        content_hash, slug_key, card_created_at)
      select c.workspace_id, 'card.updated', c.id, c.recipient_id, c.content, c.group_id, c.version, c.status,
        c.content_hash, c.slug_key, c.created_at
      from cards c where c.id = ${card.id}::uuid`.execute(trx);
    return rotated;
  });
}

async function retire(db: Conn, workspaceId: string, cardId: string, slug: string): Promise<void> {
  await db
    .insertInto('retiredCardSlugs')
    .values({ slug, cardId, workspaceId })
    .onConflict((oc) => oc.doNothing())
    .execute();
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
