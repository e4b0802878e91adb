import { getCard, listRecipientCards } from '../../db/repositories/cards-queries';
import { rotateCardSlug } from '../../db/repositories/public-cards';
import { getRecipient } from '../../db/repositories/recipients';
import { cardVCardText } from '../card-vcard';
import type { ApiContext } from '../context';
import { publicBaseOf } from '../public-url';
import { decodeCursor, toPage } from '../http/pagination';
import { notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, uuid } from '../schemas/common';
import { Card, CardListQuery, CardPage, toCard } from '../schemas/cards';
import { z } from 'zod';

/** Cards (one per recipient per group) and their vCard. */
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
      summary: "A recipient's cards, one per group",
      tag: 'cards',
      auth: 'workspace',
      params: IdParams,
      query: CardListQuery,
      responses: { 200: { description: 'a page of cards', schema: CardPage } },
      async handler({ workspaceId, params, query, req }) {
        if (!(await getRecipient(ctx.db, workspaceId, params.id))) throw notFound('recipient', params.id);
        const after = decodeCursor(query.cursor, uuid);
        const rows = await listRecipientCards(ctx.db, workspaceId, params.id, {
          limit: query.limit,
          afterId: after,
        });
        return reply(
          200,
          toPage(
            rows,
            query.limit,
            (r) => toCard(r, publicBaseOf(ctx.config, req)),
            (r) => r.id,
          ),
        );
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
      async handler({ workspaceId, params, req }) {
        return reply(200, toCard(await load(workspaceId, params.id), publicBaseOf(ctx.config, req)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/cards/{id}/vcard',
      operationId: 'getCardVCard',
      summary: 'The card as a vCard 4.0 (text/vcard)',
      description:
        'UID is stable across versions (urn:uuid:<card id>); REV is when the current version was written.',
      tag: 'cards',
      auth: 'workspace',
      params: IdParams,
      responses: { 200: { description: 'vCard 4.0', schema: z.string(), contentType: 'text/vcard' } },
      async handler({ workspaceId, params, res }) {
        const card = await load(workspaceId, params.id);
        const text = await cardVCardText(ctx.db, card);
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
    defineRoute({
      method: 'post',
      path: '/v1/cards/{id}/rotate-slug',
      operationId: 'rotateCardSlug',
      summary: 'Give the card a new public address',
      description:
        'The card gets a new unguessable slug; its old page, vCard, photo and QR code answer 410 Gone.',
      tag: 'cards',
      auth: 'workspace',
      params: IdParams,
      responses: { 200: { description: 'the card with its new publicUrl', schema: Card } },
      async handler({ workspaceId, params, req }) {
        const card = await rotateCardSlug(ctx.db, workspaceId, params.id);
        if (!card) throw notFound('card', params.id);
        return reply(200, toCard(card, publicBaseOf(ctx.config, req)));
      },
    }),
  ];
}
