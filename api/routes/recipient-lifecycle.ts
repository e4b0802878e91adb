import { getRecipient } from '../../db/repositories/recipients';
import type { ManualStatusAction } from '../../domain/manual-status';
import { applyManualStatus } from '../../engine/manual-status';
import type { ApiContext } from '../context';
import { HttpProblem, notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute, type HttpMethod, type ResponseSpec } from '../http/route';
import { IdParams, Problem } from '../schemas/common';
import { z } from 'zod';
import { eraseRecipient } from '../../db/repositories/recipient-erasure';

/** `?erase=true` erases the person's data (204); without it the delete is soft (200). */
const DeleteQuery = z.strictObject({
  erase: z.enum(['true', 'false']).optional().meta({
    description:
      "true: erase the person's values, photo, cards with their versions and change history, and scrub their events (204)",
  }),
});
import { Recipient, toRecipient } from '../schemas/recipients';

const CARDS_NOTE =
  'Every card of the recipient follows at once, with a version and an outbox event each. The status is manual (status_reason `manual_…`), so no sync undoes it.';

/** An admin's deactivate, reactivate and (soft) delete of a recipient. */
export function recipientLifecycleRoutes(ctx: ApiContext): AnyRoute[] {
  const route = (
    method: HttpMethod,
    path: string,
    action: ManualStatusAction,
    operationId: string,
    summary: string,
    conflict?: string,
    query?: z.ZodType,
  ) =>
    defineRoute({
      method,
      path,
      operationId,
      summary,
      description: `${CARDS_NOTE} Asking again for the state the recipient is in changes nothing (200).`,
      tag: 'recipients',
      auth: 'workspace',
      params: IdParams,
      query,
      responses: {
        200: { description: 'the recipient as it is now', schema: Recipient },
        ...(action === 'delete'
          ? ({ 204: { description: "erased (?erase=true): nothing of the person's data is left" } } as Record<
              number,
              ResponseSpec
            >)
          : {}),
        ...(conflict
          ? ({ 409: { description: conflict, schema: Problem } } as Record<number, ResponseSpec>)
          : {}),
      },
      async handler({ workspaceId, params, query }) {
        if (action === 'delete' && (query as { erase?: string } | undefined)?.erase === 'true') {
          if (!(await eraseRecipient(ctx.db, workspaceId, params.id))) throw notFound('recipient', params.id);
          return reply(204, undefined);
        }
        const result = await applyManualStatus(ctx.db, workspaceId, params.id, action);
        if (result.kind === 'not_found') throw notFound('recipient', params.id);
        if (result.kind === 'refused')
          throw new HttpProblem(409, `recipient ${params.id}: ${result.detail}`, {
            code: 'recipient_deleted',
          });
        return reply(200, toRecipient((await getRecipient(ctx.db, workspaceId, params.id))!));
      },
    });

  return [
    route(
      'post',
      '/v1/recipients/{id}/deactivate',
      'deactivate',
      'deactivateRecipient',
      'Deactivate a recipient by hand (its cards are deactivated)',
      'the recipient is deleted',
    ),
    route(
      'post',
      '/v1/recipients/{id}/reactivate',
      'reactivate',
      'reactivateRecipient',
      'Reactivate a deactivated recipient (its cards become active again where due)',
      'the recipient is deleted: a deletion is final; create or import the person anew',
    ),
    route(
      'delete',
      '/v1/recipients/{id}',
      'delete',
      'deleteRecipient',
      'Delete a recipient (soft: status deleted, history and memberships kept, cards deactivated)',
      undefined,
      DeleteQuery,
    ),
  ];
}
