import { cardSlug, publicCardUrl } from './card-slug';
import type { EventType } from './event-types';

/** A stored event as the events table holds it (db/repositories/events.ts reads it). */
export interface EventRecord {
  id: string;
  xid: string;
  workspaceId: string;
  type: EventType;
  /** A card event's is the card's content; the rest of the card is in `card`. */
  data: Record<string, unknown>;
  createdAt: Date;
  /** the card, recipient or run the event is about */
  subjectId: string | null;
  /** A card event's card as of the event (null for other events). */
  card: {
    id: string;
    recipientId: string | null;
    groupId: string | null;
    version: number;
    status: string;
    contentHash: string | null;
    slugKey: Buffer | null;
    createdAt: Date | null;
  } | null;
}

/** An event as the feed answers it and a webhook carries it. */
export interface EventBody {
  id: string;
  type: string;
  createdAt: string;
  workspaceId: string;
  data: Record<string, unknown>;
}

const TIMESTAMP_KEYS = ['createdAt', 'updatedAt', 'startedAt', 'finishedAt'];

/**
 * Stored data as the API shapes it: ISO timestamps; a card event's card (its content is the stored
 * data, the rest its own columns) as GET /v1/cards/:id answers it, with its publicUrl.
 */
export function eventBody(row: EventRecord, publicBase: string): EventBody {
  if (row.card) return body(row, cardData(row.card, row.data, row.createdAt, publicBase));
  const data: Record<string, unknown> = { ...row.data };
  for (const key of TIMESTAMP_KEYS)
    if (typeof data[key] === 'string') data[key] = new Date(data[key] as string).toISOString();
  return body(row, data);
}

function cardData(
  card: NonNullable<EventRecord['card']>,
  content: Record<string, unknown>,
  writtenAt: Date,
  publicBase: string,
): Record<string, unknown> {
  return {
    id: card.id,
    recipientId: card.recipientId,
    groupId: card.groupId,
    status: card.status,
    version: card.version,
    content,
    contentHash: card.contentHash,
    // the version was written with its event, in one statement
    updatedAt: writtenAt.toISOString(),
    createdAt: (card.createdAt ?? writtenAt).toISOString(),
    ...(card.slugKey ? { publicUrl: publicCardUrl(publicBase, cardSlug(card.id, card.slugKey)) } : {}),
  };
}

function body(row: EventRecord, data: Record<string, unknown>): EventBody {
  return {
    id: row.id,
    type: row.type,
    createdAt: row.createdAt.toISOString(),
    workspaceId: row.workspaceId,
    data,
  };
}
