import { listApiKeys } from '../../db/repositories/api-keys';
import { findWorkspace } from '../../db/repositories/workspaces';
import { issueApiKey, revokeKey, toApiKey } from '../api-key-actions';
import type { ApiContext } from '../context';
import { notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, Problem } from '../schemas/common';
import { ApiKeyCreated, ApiKeyList, CreateApiKeyBody, WorkspaceKeyParams } from '../schemas/workspaces';

/** The operator's view of any workspace's keys (ADMIN_TOKEN): list, mint, revoke. */
export function adminApiKeyRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/workspaces/{id}/api-keys',
      operationId: 'adminListApiKeys',
      summary: "A workspace's API keys (admin)",
      tag: 'workspaces',
      auth: 'admin',
      params: IdParams,
      responses: { 200: { description: 'keys, revoked and expired ones included', schema: ApiKeyList } },
      async handler({ params }) {
        if (!(await findWorkspace(ctx.db, params.id))) throw notFound('workspace', params.id);
        const rows = await listApiKeys(ctx.db, params.id);
        return reply(200, { items: rows.map(toApiKey), nextCursor: null });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/workspaces/{id}/api-keys',
      operationId: 'adminCreateApiKey',
      summary: 'Mint a key for a workspace (admin), e.g. after revoking a leaked last key',
      tag: 'workspaces',
      auth: 'admin',
      params: IdParams,
      body: CreateApiKeyBody,
      responses: {
        201: { description: 'the new key, shown once', schema: ApiKeyCreated },
        409: { description: 'the workspace already has the most active keys it may have', schema: Problem },
      },
      async handler({ params, body }) {
        const created = await issueApiKey(
          ctx.db,
          params.id,
          body?.expiresAt,
          `DELETE /v1/workspaces/${params.id}/api-keys/{keyId}`,
        );
        return reply(201, created);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/workspaces/{id}/api-keys/{keyId}',
      operationId: 'adminRevokeApiKey',
      summary: "Revoke any of a workspace's keys (admin)",
      description:
        'Unlike DELETE /v1/api-keys/{id}, the last active key may be revoked too: a leaked key must be stoppable.',
      tag: 'workspaces',
      auth: 'admin',
      params: WorkspaceKeyParams,
      responses: { 204: { description: 'revoked' } },
      async handler({ params }) {
        await revokeKey(ctx.db, { workspaceId: params.id, keyId: params.keyId, keepOneUsable: false });
        return reply(204);
      },
    }),
  ];
}
