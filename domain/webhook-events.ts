import { EVENT_SUBJECTS, EVENT_TYPES, type EventType } from './event-types';

/** What an endpoint may subscribe to: `*`, one event type, or every type of a subject (`card.*`). */
export const WEBHOOK_EVENT_FILTERS = ['*', ...EVENT_TYPES, ...EVENT_SUBJECTS.map((s) => `${s}.*`)] as const;

/** The event a test sends (`POST /v1/webhook-endpoints/:id/test`); never recorded in the feed. */
export const PING_EVENT = 'ping';

/** The event types an endpoint's filters select, in catalogue order. */
export function selectedEventTypes(filters: readonly string[]): EventType[] {
  if (filters.includes('*')) return [...EVENT_TYPES];
  return EVENT_TYPES.filter((t) => filters.includes(t) || filters.includes(`${t.split('.')[0]}.*`));
}
