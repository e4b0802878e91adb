import { getEntraConnectionSummary } from '../../db/repositories/entra-connection-settings';
import {
  applyManualEdit,
  getRecipient,
  insertManualRecipient,
  listRecipientChanges,
  listRecipients,
} from '../../db/repositories/recipients';
import {
  importWorkflowId,
  recipientSyncWorkflowId,
  type ImportUsersInput,
  type RecipientSyncInput,
} from '../../contracts/workflows';
import type { ApiContext } from '../context';
import { decodeCursor, toPage } from '../http/pagination';
import { HttpProblem, notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, Problem, SyncStarted, uuid } from '../schemas/common';
import {
  CreateRecipientBody,
  ImportBody,
  PatchRecipientBody,
  Recipient,
  RecipientListQuery,
  RecipientPage,
  RecipientSyncBody,
  toRecipient,
} from '../schemas/recipients';
import { ChangeListQuery, RecipientChangePage, toRecipientChange } from '../schemas/sync-runs';
import { startSync } from '../start-sync';
import { z } from 'zod';
import { runActorOf } from '../http/run-actor';

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';
const emailTaken = (email: string) =>
  new HttpProblem(
    409,
    `a recipient with email ${email} already exists in this workspace; edit that one instead`,
    { code: 'email_taken' },
  );

/** Recipients: manual create and edit, reading, and the syncs that start from a person. */
export function recipientRoutes(ctx: ApiContext): AnyRoute[] {
  const load = async (workspaceId: string, id: string) => {
    const row = await getRecipient(ctx.db, workspaceId, id);
    if (!row) throw notFound('recipient', id);
    return row;
  };
  const requireConnectionSet = async (workspaceId: string) => {
    if (!(await getEntraConnectionSummary(ctx.db, workspaceId))) {
      throw new HttpProblem(
        409,
        'this workspace has no Entra connection yet: set one with PUT /v1/entra-connection',
        { code: 'no_connection' },
      );
    }
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/recipients',
      operationId: 'createRecipient',
      summary: 'Create a manual recipient (not from Entra)',
      description:
        'A later import of the Entra user with the same email links to this recipient instead of duplicating it.',
      tag: 'recipients',
      auth: 'workspace',
      body: CreateRecipientBody,
      responses: {
        201: { description: 'created', schema: Recipient },
        409: { description: 'the email is taken', schema: Problem },
      },
      async handler({ workspaceId, body }) {
        try {
          const row = await insertManualRecipient(ctx.db, workspaceId, body);
          return reply(201, toRecipient(row), { Location: `/v1/recipients/${row.id}` });
        } catch (err) {
          if (isUniqueViolation(err)) throw emailTaken(body.email);
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/recipients',
      operationId: 'listRecipients',
      summary: 'Recipients, filtered by group, status, Entra id or text',
      tag: 'recipients',
      auth: 'workspace',
      query: RecipientListQuery,
      responses: { 200: { description: 'a page of recipients', schema: RecipientPage } },
      async handler({ workspaceId, query }) {
        const after = decodeCursor(query.cursor, uuid);
        const rows = await listRecipients(ctx.db, workspaceId, query, { limit: query.limit, afterId: after });
        return reply(
          200,
          toPage(rows, query.limit, toRecipient, (r) => r.id),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/recipients/{id}',
      operationId: 'getRecipient',
      summary: 'One recipient',
      tag: 'recipients',
      auth: 'workspace',
      params: IdParams,
      responses: { 200: { description: 'the recipient', schema: Recipient } },
      async handler({ workspaceId, params }) {
        return reply(200, toRecipient(await load(workspaceId, params.id)));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/recipients/{id}',
      operationId: 'updateRecipient',
      summary: 'Edit fields, custom fields and locked fields by hand',
      description:
        'Each changed field is recorded in the change history with source `manual`. Cards show the edit after a `cards` sync (POST /v1/recipients/{id}/sync).',
      tag: 'recipients',
      auth: 'workspace',
      params: IdParams,
      body: PatchRecipientBody,
      responses: {
        200: { description: 'the recipient', schema: Recipient },
        409: { description: 'the new email is taken', schema: Problem },
      },
      async handler({ workspaceId, params, body }) {
        const { customFields, lockedFields, ...fields } = body;
        try {
          const result = await applyManualEdit(ctx.db, workspaceId, params.id, {
            fields,
            customFields,
            lockedFields,
          });
          if (!result) throw notFound('recipient', params.id);
          return reply(200, toRecipient(result.recipient));
        } catch (err) {
          if (isUniqueViolation(err)) throw emailTaken(body.email ?? '');
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/recipients/{id}/changes',
      operationId: 'listRecipientChanges',
      summary: "A recipient's change history (sync and manual)",
      tag: 'recipients',
      auth: 'workspace',
      params: IdParams,
      query: ChangeListQuery,
      responses: { 200: { description: 'a page of changes, oldest first', schema: RecipientChangePage } },
      async handler({ workspaceId, params, query }) {
        await load(workspaceId, params.id);
        const after = decodeCursor(query.cursor, z.number().int());
        const rows = await listRecipientChanges(ctx.db, workspaceId, params.id, {
          limit: query.limit,
          afterId: after,
        });
        return reply(
          200,
          toPage(rows, query.limit, toRecipientChange, (r) => Number(r.id)),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/recipients/{id}/sync',
      operationId: 'syncRecipient',
      summary: 'Sync one recipient: info (from Entra), cards (to the cards) or full (both)',
      tag: 'recipients',
      auth: 'workspace',
      params: IdParams,
      body: RecipientSyncBody,
      responses: {
        202: { description: 'started; Location is the run', schema: SyncStarted },
        409: {
          description:
            'a sync of this recipient is running (syncRunId), or info/full on a recipient not linked to Entra',
          schema: Problem,
        },
      },
      async handler({ workspaceId, apiKeyId, params, body }) {
        const recipient = await load(workspaceId, params.id);
        if (body.mode !== 'cards') {
          if (!recipient.entraUserId) {
            throw new HttpProblem(
              409,
              `recipient ${params.id} is not linked to an Entra user, so mode ${body.mode} has nothing to pull; use mode cards, or import the user`,
              { code: 'not_linked' },
            );
          }
          await requireConnectionSet(workspaceId);
        }
        return startSync(ctx, {
          startedBy: runActorOf(apiKeyId),
          workspaceId,
          kind: 'recipient',
          workflowType: 'recipientSyncWorkflow',
          workflowId: () => recipientSyncWorkflowId(params.id),
          recipientId: params.id,
          mode: body.mode,
          params: { mode: body.mode },
          input: (syncRunId): RecipientSyncInput => ({
            workspaceId,
            syncRunId,
            trigger: 'api',
            recipientId: params.id,
            mode: body.mode,
          }),
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/recipients/import',
      operationId: 'importRecipients',
      summary: 'Import chosen Entra users as recipients',
      description:
        'Only user objects are imported; an existing manual recipient with the same email is linked, not duplicated. With createCards, each imported recipient gets a workspace card.',
      tag: 'recipients',
      auth: 'workspace',
      body: ImportBody,
      responses: {
        202: { description: 'started; Location is the run', schema: SyncStarted },
        409: { description: 'no Entra connection set', schema: Problem },
      },
      async handler({ workspaceId, apiKeyId, body }) {
        await requireConnectionSet(workspaceId);
        const entraUserIds = [...new Set(body.entraUserIds)];
        return startSync(ctx, {
          startedBy: runActorOf(apiKeyId),
          workspaceId,
          kind: 'import',
          workflowType: 'importUsersWorkflow',
          workflowId: importWorkflowId,
          params: { entraUserIds, createCards: body.createCards === true },
          input: (syncRunId): ImportUsersInput => ({
            workspaceId,
            syncRunId,
            trigger: 'api',
            userCount: entraUserIds.length,
            ...(body.createCards ? { createCards: true } : {}),
          }),
        });
      },
    }),
  ];
}
