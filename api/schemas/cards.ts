import { z } from 'zod';
import type { CardRow } from '../../db/schema';
import { pageQueryShape, pageSchema } from '../http/pagination';
import { cardSlug, publicCardUrl } from '../../domain/card-slug';
import { timestamp, uuid } from './common';

export const CardListQuery = z.strictObject({ ...pageQueryShape });
export type CardListQuery = z.infer<typeof CardListQuery>;

export const Card = z
  .object({
    id: uuid,
    recipientId: uuid,
    groupId: uuid
      .nullable()
      .meta({ description: "null for the recipient's workspace card (rendered from GET /v1/card-template)" }),
    status: z.enum(['active', 'deactivated']),
    version: z.number().int(),
    content: z
      .record(z.string(), z.unknown())
      .meta({ description: 'the rendered card: {recipient, company, photo}' }),
    contentHash: z.string(),
    publicUrl: z.url().meta({
      description:
        "the card's public page, `{PUBLIC_BASE_URL}/c/{slug}` (410 Gone once deactivated or rotated)",
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Card' });
export type Card = z.infer<typeof Card>;
export const CardPage = pageSchema(Card, 'CardPage');

/** `publicBase`: where card pages live (api/public-url.ts). */
export function toCard(row: CardRow, publicBase: string): Card {
  return {
    id: row.id,
    recipientId: row.recipientId,
    groupId: row.groupId,
    status: row.status,
    version: row.version,
    content: row.content,
    contentHash: row.contentHash,
    publicUrl: publicCardUrl(publicBase, cardSlug(row.id, row.slugKey)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
