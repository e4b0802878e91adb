import { z } from 'zod';
import { cardSlug } from '../../domain/card-slug';
import { EVENT_SUBJECTS, EVENT_TYPES } from '../../domain/event-types';
import type { EventRow } from '../../db/repositories/events';
import { cursorParam, limitParam } from '../http/pagination';
import { publicCardUrl } from '../public-url';
import { timestamp, uuid } from './common';

const TYPE_FILTERS = [...EVENT_TYPES, ...EVENT_SUBJECTS.map((s) => `${s}.*`)];

export const EventListQuery = z.strictObject({
  after: cursorParam.meta({
    description: 'the `nextCursor` of the previous answer; omit to read from the oldest event',
  }),
  type: z
    .string()
    .refine((t) => TYPE_FILTERS.includes(t), `one of ${TYPE_FILTERS.join(', ')}`)
    .optional()
    .meta({
      description: 'one event type, or every type of a subject (`card.*`, `recipient.*`, `sync_run.*`)',
    }),
  limit: limitParam,
});
export type EventListQuery = z.infer<typeof EventListQuery>;

export const Event = z
  .object({
    id: z.string().meta({ description: 'unique and stable; the `webhook-id` of its deliveries' }),
    type: z.enum(EVENT_TYPES),
    createdAt: timestamp,
    workspaceId: uuid,
    data: z.record(z.string(), z.unknown()).meta({
      description:
        'card.*: the card as GET /v1/cards/{id} returns it; recipient.*: the recipient (without groupIds); sync_run.*: the run',
    }),
  })
  .meta({ id: 'Event' });
export type Event = z.infer<typeof Event>;

export const EventFeed = z
  .object({
    items: z.array(Event),
    nextCursor: z.string().meta({
      description: 'where to read on from (also when `items` is empty): pass it as `after` to poll',
    }),
  })
  .meta({ id: 'EventFeed' });
export type EventFeed = z.infer<typeof EventFeed>;

/** The type filter as the repository takes it. */
export function typeFilter(type: string | undefined): { exact: string } | { prefix: string } | null {
  if (!type) return null;
  return type.endsWith('.*') ? { prefix: type.slice(0, -1) } : { exact: type };
}

const TIMESTAMP_KEYS = ['createdAt', 'updatedAt', 'startedAt', 'finishedAt'];

/**
 * Stored data as the API shapes it: ISO timestamps; a card event's card (its content is the stored
 * data, the rest its own columns) as GET /v1/cards/:id answers it, with its publicUrl.
 */
export function toEvent(row: EventRow, publicBase: string): Event {
  if (row.card) return event(row, cardData(row.card, row.data, row.createdAt, publicBase));
  const data: Record<string, unknown> = { ...row.data };
  for (const key of TIMESTAMP_KEYS)
    if (typeof data[key] === 'string') data[key] = new Date(data[key] as string).toISOString();
  return event(row, data);
}

function cardData(
  card: NonNullable<EventRow['card']>,
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

function event(row: EventRow, data: Record<string, unknown>): Event {
  return {
    id: row.id,
    type: row.type,
    createdAt: row.createdAt.toISOString(),
    workspaceId: row.workspaceId,
    data,
  };
}
