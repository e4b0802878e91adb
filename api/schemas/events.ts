import { z } from 'zod';
import { eventBody, type EventRecord } from '../../domain/event-body';
import { EVENT_SUBJECTS, EVENT_TYPES } from '../../domain/event-types';
import { cursorParam, limitParam } from '../http/pagination';
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

/** A stored event as the feed answers it (domain/event-body.ts, shared with webhook delivery). */
export const toEvent = (row: EventRecord, publicBase: string): Event => eventBody(row, publicBase) as Event;
