import type { CardEventType, CardStatus, CardTemplate } from './card';
import { renderCard, type CardPhotoRef, type CardSource } from './render-card';

/**
 * One (recipient, group) pair whose card may need writing, with everything the decision reads. A
 * workspace card has no group (`groupId` null): it counts as a member, so it is active exactly
 * while its recipient is.
 */
export interface CardTarget {
  recipientId: string;
  groupId: string | null;
  recipientActive: boolean;
  isMember: boolean;
  /** The group's `createCardsForNewMembers`; for a workspace card, whether one is asked for. */
  createCards: boolean;
  template: CardTemplate;
  source: CardSource;
  photo: CardPhotoRef | null;
  /** The key of the inputs above (db/repositories/card-source-key.ts), stored with what is rendered from them. */
  sourceKey: string;
  card: {
    id: string;
    version: number;
    status: CardStatus;
    contentHash: string;
    content: Record<string, unknown>;
    sourceKey: string | null;
  } | null;
}

export interface CardWrite {
  kind: 'create' | 'update' | 'deactivate';
  cardId: string;
  recipientId: string;
  groupId: string | null;
  version: number;
  status: CardStatus;
  content: Record<string, unknown>;
  contentHash: string;
  sourceKey: string;
  event: CardEventType;
}

export type CardDecision = CardWrite | { kind: 'unchanged' | 'none' };

/**
 * A card is active exactly while its recipient is active and a member of the group. A new version
 * (and an outbox event) is due only when the rendered content or that status changes.
 */
export function planCardWrite(target: CardTarget, newCardId: () => string): CardDecision {
  const wantActive = target.recipientActive && target.isMember;
  const { card } = target;
  const base = { recipientId: target.recipientId, groupId: target.groupId, sourceKey: target.sourceKey };
  if (!card) {
    if (!wantActive || !target.createCards) return { kind: 'none' };
    const { content, contentHash } = renderCard(target.source, target.template, target.photo);
    return {
      ...base,
      kind: 'create',
      cardId: newCardId(),
      version: 1,
      status: 'active',
      content: { ...content },
      contentHash,
      event: 'card.created',
    };
  }
  if (wantActive) {
    const { content, contentHash } = renderCard(target.source, target.template, target.photo);
    if (card.status === 'active' && card.contentHash === contentHash) return { kind: 'unchanged' };
    return {
      ...base,
      kind: 'update',
      cardId: card.id,
      version: card.version + 1,
      status: 'active',
      content: { ...content },
      contentHash,
      event: 'card.updated',
    };
  }
  if (card.status !== 'active') return { kind: 'none' };
  return {
    ...base,
    kind: 'deactivate',
    cardId: card.id,
    version: card.version + 1,
    status: 'deactivated',
    content: card.content,
    contentHash: card.contentHash,
    event: 'card.deactivated',
  };
}
