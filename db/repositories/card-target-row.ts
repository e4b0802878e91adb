import { sql } from 'kysely';
import type { CardStatus } from '../../domain/card';
import type { CardTarget } from '../../domain/plan-card-write';
import { PROFILE_COLUMNS, profileValuesOf, type RecipientStatus } from '../../domain/recipient';

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The recipient's profile columns (`r.`), as the card target reads select them. */
export const profileSelect = sql.raw(PROFILE_COLUMNS.map((c) => `r.${snake(c)}`).join(', '));

/** What a card target read answers per recipient, whichever cards (group or workspace) it reads. */
export interface CardTargetRow extends Record<string, unknown> {
  recipientId: string;
  recipientStatus: RecipientStatus;
  customFields: Record<string, string | null>;
  cardId: string | null;
  cardVersion: number | null;
  cardStatus: CardStatus | null;
  cardContentHash: string | null;
  cardContent: Record<string, unknown> | null;
  cardSourceKey: string | null;
  photoHash: string | null;
  photoType: string | null;
  sourceKey: string;
}

/** The half of a card target that comes from the recipient and its current card. */
export function recipientAndCardOf(
  row: CardTargetRow,
): Pick<CardTarget, 'recipientId' | 'recipientActive' | 'source' | 'photo' | 'sourceKey' | 'card'> {
  return {
    recipientId: row.recipientId,
    recipientActive: row.recipientStatus === 'active',
    source: { values: profileValuesOf(row), customFields: row.customFields ?? {} },
    photo: row.photoHash && row.photoType ? { contentHash: row.photoHash, contentType: row.photoType } : null,
    sourceKey: row.sourceKey,
    card:
      row.cardId === null
        ? null
        : {
            id: row.cardId,
            version: row.cardVersion!,
            status: row.cardStatus!,
            contentHash: row.cardContentHash!,
            content: row.cardContent ?? {},
            sourceKey: row.cardSourceKey,
          },
  };
}
