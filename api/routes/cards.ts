import {
  getCard,
  getCardVersionTime,
  getPhotoForCard,
  listRecipientCards,
} from '../../db/repositories/cards-queries';
import { getRecipient } from '../../db/repositories/recipients';
import { renderVCard, type VCardContent } from '../../domain/vcard';
import { createWorkspaceCard } from '../../engine/cards-now';
import type { ApiContext } from '../context';
import { decodeCursor, toPage } from '../http/pagination';
import { HttpProblem, notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, Problem, uuid } from '../schemas/common';
import { Card, CardListQuery, CardPage, toCard } from '../schemas/cards';
import { z } from 'zod';

/** Cards (one per recipient per group, plus at most one workspace card) and their vCard. */
export function cardRoutes(ctx: ApiContext): AnyRoute[] {
  const load = async (workspaceId: string, id: string) => {
    const card = await getCard(ctx.db, workspaceId, id);
    if (!card) throw notFound('card', id);
    return card;
  };

  return [
    defineRoute({
      method: 'get',
      path: '/v1/recipients/{id}/cards',
      operationId: 'listRecipientCards',
      summary: "A recipient's cards: one per group, and its workspace card (groupId null)",
      tag: 'cards',
      auth: 'workspace',
      params: IdParams,
      query: CardListQuery,
      responses: { 200: { description: 'a page of cards', schema: CardPage } },
      async handler({ workspaceId, params, query }) {
        if (!(await getRecipient(ctx.db, workspaceId, params.id))) throw notFound('recipient', params.id);
        const after = decodeCursor(query.cursor, uuid);
        const rows = await listRecipientCards(ctx.db, workspaceId, params.id, {
          limit: query.limit,
          afterId: after,
        });
        return reply(
          200,
          toPage(rows, query.limit, toCard, (r) => r.id),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/recipients/{id}/cards',
      operationId: 'createRecipientCard',
      summary: "Give a recipient its workspace card (groupId null), of the workspace's card template",
      description:
        'One per recipient, whether it belongs to groups or not. The card is active while the recipient is; a `cards` or `full` recipient sync and a template change (PUT /v1/card-template) render it again.',
      tag: 'cards',
      auth: 'workspace',
      params: IdParams,
      responses: {
        201: { description: 'created; Location is the card', schema: Card },
        409: {
          description: 'the recipient has a workspace card already (cardId), or is not active',
          schema: Problem,
        },
      },
      async handler({ workspaceId, params }) {
        const result = await createWorkspaceCard(ctx.db, workspaceId, params.id);
        if ('noRecipient' in result) throw notFound('recipient', params.id);
        if ('existing' in result) {
          throw new HttpProblem(
            409,
            `recipient ${params.id} already has its workspace card ${result.existing}; a recipient has one, see GET /v1/cards/${result.existing}`,
            { code: 'card_exists', cardId: result.existing },
          );
        }
        if ('inactive' in result) {
          const deleted = (await getRecipient(ctx.db, workspaceId, params.id))?.status === 'deleted';
          throw new HttpProblem(
            409,
            deleted
              ? `recipient ${params.id} is deleted, and a deletion is final: create or import the person anew to give them a card`
              : `recipient ${params.id} is not active, and a workspace card is active only while its recipient is; reactivate it first (POST /v1/recipients/${params.id}/reactivate)`,
            { code: deleted ? 'recipient_deleted' : 'recipient_inactive' },
          );
        }
        return reply(201, toCard(await load(workspaceId, result.created)), {
          Location: `/v1/cards/${result.created}`,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cards/{id}',
      operationId: 'getCard',
      summary: 'One card (its current version)',
      tag: 'cards',
      auth: 'workspace',
      params: IdParams,
      responses: { 200: { description: 'the card', schema: Card } },
      async handler({ workspaceId, params }) {
        return reply(200, toCard(await load(workspaceId, params.id)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cards/{id}/vcard',
      operationId: 'getCardVCard',
      summary: 'The card as a vCard 4.0 (text/vcard)',
      description:
        'Strict RFC 6350. UID is stable across versions (urn:uuid:<card id>); REV is when the current version was written; N whenever a first or last name is known (from the recipient when the template hides it); PHOTO when the card shows one.',
      tag: 'cards',
      auth: 'workspace',
      params: IdParams,
      responses: { 200: { description: 'vCard 4.0', schema: z.string(), contentType: 'text/vcard' } },
      async handler({ workspaceId, params, res }) {
        const card = await load(workspaceId, params.id);
        const content = card.content as unknown as VCardContent;
        const photo = content.photo?.contentHash
          ? await getPhotoForCard(ctx.db, card.recipientId, content.photo.contentHash)
          : undefined;
        const versionTime = (await getCardVersionTime(ctx.db, card.id, card.version)) ?? card.updatedAt;
        const person = await getRecipient(ctx.db, workspaceId, card.recipientId);
        const text = renderVCard({
          cardId: card.id,
          version: card.version,
          updatedAt: versionTime,
          content,
          photo,
          person: person ?? null,
        });
        res
          .status(200)
          .set({
            'Content-Type': 'text/vcard; charset=utf-8',
            'Content-Disposition': `attachment; filename="card-${card.id}.vcf"`,
            ETag: `"${card.id}-v${card.version}"`,
          })
          .send(text);
        return undefined;
      },
    }),
  ];
}
