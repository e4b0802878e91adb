import { z } from 'zod';
import { readEvents } from '../../db/repositories/events';
import type { ApiContext } from '../context';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { publicBaseOf } from '../public-url';
import { EventFeed, EventListQuery, toEvent, typeFilter } from '../schemas/events';

/** A position in the events' order: the writing transaction and the id, as decimal strings. */
const upTo = (max: bigint) =>
  z
    .string()
    .regex(/^\d{1,20}$/)
    .refine((v) => BigInt(v) <= max);
const Position = z.object({ x: upTo(2n ** 64n - 1n), i: upTo(2n ** 63n - 1n) });

/** The events feed: card, recipient and sync run events, oldest first, for consumers that poll. */
export function eventRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/events',
      operationId: 'listEvents',
      summary: 'Events after a cursor, oldest first',
      description:
        'Events appear once every transaction older than theirs has ended, so a consumer that always passes the last `nextCursor` sees each event exactly once and never skips one. A cursor stays valid as long as events are kept (at least 30 days).',
      tag: 'events',
      auth: 'workspace',
      query: EventListQuery,
      responses: { 200: { description: 'the next events', schema: EventFeed } },
      async handler({ workspaceId, query, req }) {
        const after = decodeCursor(query.after, Position);
        const rows = await readEvents(ctx.db, workspaceId, {
          after: after ? { xid: after.x, id: after.i } : null,
          type: typeFilter(query.type),
          limit: query.limit,
        });
        const last = rows.at(-1);
        const base = publicBaseOf(ctx.config, req);
        const body: EventFeed = {
          items: rows.map((r) => toEvent(r, base)),
          nextCursor: last
            ? encodeCursor({ x: last.xid, i: last.id })
            : (query.after ?? encodeCursor({ x: '0', i: '0' })),
        };
        return reply(200, body);
      },
    }),
  ];
}
