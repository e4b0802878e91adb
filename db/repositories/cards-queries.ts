import type { Db } from '../database';
import type { CardRow } from '../schema';

export async function getCard(db: Db, workspaceId: string, id: string): Promise<CardRow | undefined> {
  return db
    .selectFrom('cards')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A recipient's cards (one per group), ordered by id for keyset paging. */
export async function listRecipientCards(
  db: Db,
  workspaceId: string,
  recipientId: string,
  page: { limit: number; afterId?: string },
): Promise<CardRow[]> {
  let query = db
    .selectFrom('cards')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .where('recipientId', '=', recipientId);
  if (page.afterId) query = query.where('id', '>', page.afterId);
  return query
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
}

/** The stored photo bytes, only when they are the ones the card version was rendered with. */
export async function getPhotoForCard(
  db: Db,
  recipientId: string,
  contentHash: string,
): Promise<{ contentType: string; data: Buffer } | undefined> {
  return db
    .selectFrom('recipientPhotos as ph')
    .innerJoin('photoBlobs as b', 'b.contentHash', 'ph.contentHash')
    .select(['ph.contentType', 'b.data'])
    .where('ph.recipientId', '=', recipientId)
    .where('ph.contentHash', '=', contentHash)
    .executeTakeFirst();
}

/** When the card's current version was written (REV of its vCard); null when no version row exists. */
export async function getCardVersionTime(db: Db, cardId: string, version: number): Promise<Date | null> {
  const row = await db
    .selectFrom('cardVersions')
    .select('createdAt')
    .where('cardId', '=', cardId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row?.createdAt ?? null;
}
