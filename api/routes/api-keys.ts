import { listApiKeys } from '../../db/repositories/api-keys';
import { issueApiKey, revokeKey, toApiKey } from '../api-key-actions';
import type { ApiContext } from '../context';
import { MAX_ACTIVE_API_KEYS } from '../http/api-keys';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, Problem } from '../schemas/common';
import { ApiKeyCreated, ApiKeyList, CreateApiKeyBody } from '../schemas/workspaces';

/** The workspace's own API keys, managed with one of its keys. */
export function apiKeyRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/api-keys',
      operationId: 'listApiKeys',
      summary: "The workspace's API keys (prefixes only)",
      tag: 'workspaces',
      auth: 'workspace',
      responses: { 200: { description: 'keys, revoked and expired ones included', schema: ApiKeyList } },
      async handler({ workspaceId }) {
        const rows = await listApiKeys(ctx.db, workspaceId);
        return reply(200, { items: rows.map(toApiKey), nextCursor: null });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/api-keys',
      operationId: 'createApiKey',
      summary: 'Create another API key for this workspace (to rotate keys)',
      description: `At most ${MAX_ACTIVE_API_KEYS} keys of a workspace are active (neither revoked nor expired) at once; \`expiresAt\` (optional) ends the key's life.`,
      tag: 'workspaces',
      auth: 'workspace',
      body: CreateApiKeyBody,
      responses: {
        201: { description: 'the new key, shown once', schema: ApiKeyCreated },
        409: { description: `the workspace already has ${MAX_ACTIVE_API_KEYS} active keys`, schema: Problem },
      },
      async handler({ workspaceId, body }) {
        const created = await issueApiKey(ctx.db, workspaceId, body?.expiresAt, 'DELETE /v1/api-keys/{id}');
        return reply(201, created);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/api-keys/{id}',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      description:
        'Refused (409) for the last active key, which would lock the workspace out; two revokes at once are applied one after the other.',
      tag: 'workspaces',
      auth: 'workspace',
      params: IdParams,
      responses: {
        204: { description: 'revoked' },
        409: { description: 'the last active key', schema: Problem },
      },
      async handler({ workspaceId, params }) {
        await revokeKey(ctx.db, { workspaceId, keyId: params.id, keepOneUsable: true });
        return reply(204);
      },
    }),
  ];
}
