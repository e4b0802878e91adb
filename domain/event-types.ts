/** The events the service records (db table `events`), served by the feed and later delivered by webhooks. */

export const EVENT_TYPES = [
  'card.created',
  'card.updated',
  'card.deactivated',
  'recipient.created',
  'recipient.updated',
  'recipient.deactivated',
  'recipient.deleted',
  'sync_run.completed',
  'sync_run.failed',
  'sync_run.held',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The subjects events are about: `card.*` style filters name one of these. */
export const EVENT_SUBJECTS = ['card', 'recipient', 'sync_run'] as const;

export type RecipientEventType = Extract<EventType, `recipient.${string}`>;
