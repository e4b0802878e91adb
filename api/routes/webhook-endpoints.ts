import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { encryptSecret } from '../../config/secret-box';
import {
  enqueuePing,
  getDelivery,
  listDeliveries,
  requeueDelivery,
} from '../../db/repositories/webhook-deliveries';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  replaceEndpointSecret,
  updateEndpoint,
  type EndpointRow,
} from '../../db/repositories/webhook-endpoints';
import { PING_EVENT } from '../../domain/webhook-events';
import { PREVIOUS_SECRET_SIGNS_FOR_MS } from '../../domain/webhook-retry';
import { newWebhookSecret } from '../../domain/webhook-signature';
import { checkWebhookUrl } from '../../net/webhook-url';
import type { ApiContext } from '../context';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { badRequest, HttpProblem, notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, Problem, timestamp, uuid } from '../schemas/common';
import {
  CreateEndpointBody,
  DeliveryListQuery,
  EndpointListQuery,
  toDelivery,
  toEndpoint,
  UpdateEndpointBody,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointPage,
  WebhookEndpointWithSecret,
} from '../schemas/webhooks';

const DeliveryIdParams = z.strictObject({
  id: z.string().regex(/^[1-9]\d{0,17}$/, 'must be a delivery id (digits)'),
});

/** Webhook endpoints (signed per Standard Webhooks; docs/webhooks.md) and their deliveries. */
export function webhookEndpointRoutes(ctx: ApiContext): AnyRoute[] {
  const allowedUrl = (url: string) => {
    const refusal = checkWebhookUrl(url, ctx.outboundPolicy);
    if (refusal) throw badRequest(refusal.message, [{ path: 'body.url', message: refusal.message }]);
    return url;
  };
  const load = async (workspaceId: string, id: string): Promise<EndpointRow> => {
    const row = await getEndpoint(ctx.db, workspaceId, id);
    if (!row) throw notFound('webhook endpoint', id);
    return row;
  };
  const mustBeEnabled = (row: EndpointRow) => {
    if (row.status !== 'enabled')
      throw new HttpProblem(
        409,
        `webhook endpoint ${row.id} is disabled (${row.disabledReason ?? 'no reason recorded'}); enable it first with PATCH {"status": "enabled"}`,
        { code: 'endpoint_disabled' },
      );
  };
  const withSecret = {
    description: 'the endpoint and its signing secret (shown once)',
    schema: WebhookEndpointWithSecret,
  };
  const one = { description: 'the endpoint', schema: WebhookEndpoint };
  const badUrl = { description: 'a bad body, or a URL the outbound rules refuse', schema: Problem };
  const disabled = { description: 'the endpoint is disabled', schema: Problem };
  const base = { tag: 'webhooks', auth: 'workspace' as const };

  return [
    defineRoute({
      ...base,
      method: 'post',
      path: '/v1/webhook-endpoints',
      operationId: 'createWebhookEndpoint',
      summary: 'Send events to a URL',
      description:
        'Events committed from now on are POSTed to the URL, signed per Standard Webhooks with the returned secret. The secret is shown only here (and by rotate-secret).',
      body: CreateEndpointBody,
      responses: { 201: withSecret, 400: badUrl },
      async handler({ workspaceId, body }) {
        const secret = newWebhookSecret();
        const row = await createEndpoint(ctx.db, {
          workspaceId,
          url: allowedUrl(body.url),
          events: [...new Set(body.events)],
          description: body.description ?? null,
          secretEncrypted: encryptSecret(secret, ctx.config.encryptionKey, workspaceId),
        });
        return reply(201, { ...toEndpoint(row), secret }, { Location: `/v1/webhook-endpoints/${row.id}` });
      },
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/v1/webhook-endpoints',
      operationId: 'listWebhookEndpoints',
      summary: "The workspace's webhook endpoints, oldest first",
      query: EndpointListQuery,
      responses: { 200: { description: 'a page of endpoints', schema: WebhookEndpointPage } },
      async handler({ workspaceId, query }) {
        const after = decodeCursor(query.cursor, z.object({ createdAt: timestamp, id: uuid }));
        const rows = await listEndpoints(ctx.db, workspaceId, {
          after: after ?? null,
          limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return reply(200, {
          items: page.map(toEndpoint),
          nextCursor:
            rows.length > query.limit && last
              ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id })
              : null,
        });
      },
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/v1/webhook-endpoints/{id}',
      operationId: 'getWebhookEndpoint',
      summary: 'One webhook endpoint',
      params: IdParams,
      responses: { 200: one },
      async handler({ workspaceId, params }) {
        return reply(200, toEndpoint(await load(workspaceId, params.id)));
      },
    }),
    defineRoute({
      ...base,
      method: 'patch',
      path: '/v1/webhook-endpoints/{id}',
      operationId: 'updateWebhookEndpoint',
      summary: "Change an endpoint's URL, events, description or status",
      description:
        'Enabling an endpoint (also one disabled after a 410 Gone or 3 days of failures) resumes delivery where it stopped.',
      params: IdParams,
      body: UpdateEndpointBody,
      responses: { 200: one, 400: badUrl },
      async handler({ workspaceId, params, body }) {
        const row = await updateEndpoint(ctx.db, workspaceId, params.id, {
          ...body,
          ...(body.url !== undefined ? { url: allowedUrl(body.url) } : {}),
          ...(body.events ? { events: [...new Set(body.events)] } : {}),
        });
        if (!row) throw notFound('webhook endpoint', params.id);
        return reply(200, toEndpoint(row));
      },
    }),
    defineRoute({
      ...base,
      method: 'delete',
      path: '/v1/webhook-endpoints/{id}',
      operationId: 'deleteWebhookEndpoint',
      summary: 'Delete an endpoint and its deliveries',
      params: IdParams,
      responses: { 204: { description: 'deleted' } },
      async handler({ workspaceId, params }) {
        if (!(await deleteEndpoint(ctx.db, workspaceId, params.id)))
          throw notFound('webhook endpoint', params.id);
        return reply(204);
      },
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: '/v1/webhook-endpoints/{id}/test',
      operationId: 'testWebhookEndpoint',
      summary: 'Send a ping event',
      description:
        'Queues a `ping` event for this endpoint alone (never in the feed); the answer is its delivery, which GET …/deliveries shows once attempted.',
      params: IdParams,
      responses: { 202: { description: 'queued', schema: WebhookDelivery }, 409: disabled },
      async handler({ workspaceId, params }) {
        const endpoint = await load(workspaceId, params.id);
        mustBeEnabled(endpoint);
        const id = `ping_${randomUUID()}`;
        const row = await enqueuePing(ctx.db, endpoint, {
          id,
          type: PING_EVENT,
          createdAt: new Date().toISOString(),
          workspaceId,
          data: { endpointId: endpoint.id, message: 'a test event from entra-card-sync' },
        });
        return reply(202, toDelivery(row));
      },
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: '/v1/webhook-endpoints/{id}/rotate-secret',
      operationId: 'rotateWebhookSecret',
      summary: 'A new signing secret',
      description:
        'Deliveries are signed with the new secret and, for 24 hours, also with the old one (a second `v1,` signature), so receivers can switch over.',
      params: IdParams,
      responses: { 200: withSecret },
      async handler({ workspaceId, params }) {
        const secret = newWebhookSecret();
        const row = await replaceEndpointSecret(
          ctx.db,
          workspaceId,
          params.id,
          encryptSecret(secret, ctx.config.encryptionKey, workspaceId),
          new Date(Date.now() + PREVIOUS_SECRET_SIGNS_FOR_MS),
        );
        if (!row) throw notFound('webhook endpoint', params.id);
        return reply(200, { ...toEndpoint(row), secret });
      },
    }),
    defineRoute({
      ...base,
      method: 'get',
      path: '/v1/webhook-endpoints/{id}/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: "An endpoint's deliveries, newest first, each with its attempts",
      params: IdParams,
      query: DeliveryListQuery,
      responses: { 200: { description: 'a page of deliveries', schema: WebhookDeliveryPage } },
      async handler({ workspaceId, params, query }) {
        await load(workspaceId, params.id);
        const before = decodeCursor(query.cursor, DeliveryIdParams.shape.id);
        const rows = await listDeliveries(ctx.db, params.id, {
          before: before ?? null,
          limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        return reply(200, {
          items: page.map(toDelivery),
          nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!.id) : null,
        });
      },
    }),
    defineRoute({
      ...base,
      method: 'post',
      path: '/v1/webhook-deliveries/{id}/retry',
      operationId: 'retryWebhookDelivery',
      summary: 'Send a delivery again now',
      description:
        'The delivery becomes pending and due at once, under the same `webhook-id`; later events of its subject wait for it.',
      params: DeliveryIdParams,
      responses: { 202: { description: 'queued', schema: WebhookDelivery }, 409: disabled },
      async handler({ workspaceId, params }) {
        const delivery = await getDelivery(ctx.db, workspaceId, params.id);
        if (!delivery) throw notFound('webhook delivery', params.id);
        mustBeEnabled(await load(workspaceId, delivery.endpointId));
        const row = await requeueDelivery(ctx.db, workspaceId, params.id);
        if (!row) throw notFound('webhook delivery', params.id);
        return reply(202, toDelivery(row));
      },
    }),
  ];
}
