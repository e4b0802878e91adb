import type { Db } from '../db/database';
import { getCardVersionTime, getPhotoForCard } from '../db/repositories/cards-queries';
import { getRecipient } from '../db/repositories/recipients';
import type { CardRow } from '../db/schema';
import { renderVCard, type VCardContent } from '../domain/vcard';

/**
 * A card's current version as vCard 4.0 text, with its photo when the version shows one and the
 * person's names for `N` even where the card does not show them.
 */
export async function cardVCardText(db: Db, card: CardRow): Promise<string> {
  const content = card.content as unknown as VCardContent;
  const photo = content.photo?.contentHash
    ? await getPhotoForCard(db, card.recipientId, content.photo.contentHash)
    : undefined;
  const versionTime = (await getCardVersionTime(db, card.id, card.version)) ?? card.updatedAt;
  const person = await getRecipient(db, card.workspaceId, card.recipientId);
  return renderVCard({
    cardId: card.id,
    version: card.version,
    updatedAt: versionTime,
    content,
    photo,
    person: person ?? null,
  });
}
