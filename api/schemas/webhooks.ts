import { z } from 'zod';
import type { EndpointRow } from '../../db/repositories/webhook-endpoints';
import type { DeliveryRow } from '../../db/repositories/webhook-deliveries';
import { WEBHOOK_EVENT_FILTERS } from '../../domain/webhook-events';
import { pageQueryShape, pageSchema } from '../http/pagination';
import { iso, timestamp, uuid } from './common';

const url = z.string().max(2048).meta({
  description:
    'https; private and local addresses only where the operator allows them (OUTBOUND_ALLOW_HOSTS)',
});
const events = z
  .array(z.enum(WEBHOOK_EVENT_FILTERS))
  .min(1)
  .max(WEBHOOK_EVENT_FILTERS.length)
  .meta({ description: '`*` for every event, event types, or every type of a subject (`card.*`)' });
const description = z.string().max(500);

export const CreateEndpointBody = z.strictObject({ url, events, description: description.optional() });
export type CreateEndpointBody = z.infer<typeof CreateEndpointBody>;

export const UpdateEndpointBody = z
  .strictObject({
    url: url.optional(),
    events: events.optional(),
    description: description.nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional().meta({
      description: 'enabling resumes where delivery stopped: waiting deliveries are sent at once',
    }),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of url, events, description, status');
export type UpdateEndpointBody = z.infer<typeof UpdateEndpointBody>;

export const WebhookEndpoint = z
  .object({
    id: uuid,
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: 'why it was disabled (410 Gone, 3 days failing, by hand)' }),
    disabledAt: timestamp.nullable(),
    failingSince: timestamp
      .nullable()
      .meta({ description: 'the first failed attempt since the last success' }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointWithSecret = WebhookEndpoint.extend({
  secret: z.string().meta({ description: '`whsec_…`, shown once: keep it to check signatures' }),
}).meta({ id: 'WebhookEndpointWithSecret' });

export const WebhookEndpointPage = pageSchema(WebhookEndpoint, 'WebhookEndpointPage');
export const EndpointListQuery = z.strictObject(pageQueryShape);
export const DeliveryListQuery = z.strictObject(pageQueryShape);

const Attempt = z.object({
  at: timestamp,
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
  nextRetryAt: timestamp.nullable(),
});

export const WebhookDelivery = z
  .object({
    id: z.string(),
    endpointId: uuid,
    eventId: z.string().meta({ description: 'the `webhook-id` header of every attempt' }),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']).meta({
      description: 'pending: waiting for its turn or its next attempt; failed: every retry failed',
    }),
    attempts: z.array(Attempt),
    nextAttemptAt: timestamp.nullable(),
    createdAt: timestamp,
    deliveredAt: timestamp.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
export const WebhookDeliveryPage = pageSchema(WebhookDelivery, 'WebhookDeliveryPage');

export function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    status: row.status,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    failingSince: iso(row.failingSince),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId ?? String(row.payload?.id ?? ''),
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.nextAttemptAt),
    createdAt: row.createdAt.toISOString(),
    deliveredAt: iso(row.deliveredAt),
  };
}
