import {
  getWorkspaceCardTemplate,
  setWorkspaceCardTemplate,
} from '../../db/repositories/workspace-card-template';
import { rerenderWorkspaceCards } from '../../engine/cards-now';
import type { ApiContext } from '../context';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { CardTemplateSchema } from '../schemas/groups';

/** The template of the workspace's own cards: those of a recipient, not of a group. */
export function cardTemplateRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/card-template',
      operationId: 'getCardTemplate',
      summary: 'The workspace card template (cards of no group)',
      description:
        "What a recipient's workspace card (POST /v1/recipients/{id}/cards, or an import with createCards) shows; the built-in default until a PUT sets one.",
      tag: 'cards',
      auth: 'workspace',
      responses: { 200: { description: 'the template', schema: CardTemplateSchema } },
      async handler({ workspaceId }) {
        return reply(200, await getWorkspaceCardTemplate(ctx.db, workspaceId));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/card-template',
      operationId: 'putCardTemplate',
      summary: 'Replace the workspace card template and re-render every workspace card',
      description:
        'The new template applies at once: before answering, every workspace card rendered from other inputs gets a new version (and a card.updated event) in batched transactions. If the request is cut off, PUT the same template again: only cards still out of date are rendered.',
      tag: 'cards',
      auth: 'workspace',
      body: CardTemplateSchema,
      responses: { 200: { description: 'the template now in force', schema: CardTemplateSchema } },
      async handler({ workspaceId, body }) {
        await setWorkspaceCardTemplate(ctx.db, workspaceId, body);
        await rerenderWorkspaceCards(ctx.db, workspaceId);
        return reply(200, await getWorkspaceCardTemplate(ctx.db, workspaceId));
      },
    }),
  ];
}
