import { createWorkspace } from '../../db/repositories/workspaces';
import {
  countActiveApiKeys,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeyRow,
} from '../../db/repositories/api-keys';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import type { ApiContext } from '../context';
import { generateApiKey } from '../http/api-keys';
import { HttpProblem, notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, iso, Problem } from '../schemas/common';
import {
  ApiKey,
  ApiKeyCreated,
  ApiKeyList,
  CreateWorkspaceBody,
  WorkspaceCreated,
} from '../schemas/workspaces';

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  revokedAt: iso(row.revokedAt),
});

/** Workspaces (operator, ADMIN_TOKEN) and the workspace's own API keys. */
export function workspaceRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/workspaces',
      operationId: 'createWorkspace',
      summary: 'Create a workspace and its first API key (admin)',
      description:
        'Takes the ADMIN_TOKEN. The key is shown once; the workspace starts with the default field settings.',
      tag: 'workspaces',
      auth: 'admin',
      body: CreateWorkspaceBody,
      responses: { 201: { description: 'created', schema: WorkspaceCreated } },
      async handler({ body }) {
        const key = generateApiKey();
        const { workspace, apiKeyId } = await createWorkspace(ctx.db, {
          name: body.name,
          keyHash: key.hash,
          keyPrefix: key.prefix,
          fieldSettings: DEFAULT_FIELD_SETTINGS,
        });
        const created: WorkspaceCreated = {
          id: workspace.id,
          name: workspace.name,
          apiKey: key.key,
          apiKeyId,
          createdAt: workspace.createdAt.toISOString(),
        };
        return reply(201, created);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/api-keys',
      operationId: 'listApiKeys',
      summary: "The workspace's API keys (prefixes only)",
      tag: 'workspaces',
      auth: 'workspace',
      responses: { 200: { description: 'keys, revoked ones included', schema: ApiKeyList } },
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
      tag: 'workspaces',
      auth: 'workspace',
      responses: { 201: { description: 'the new key, shown once', schema: ApiKeyCreated } },
      async handler({ workspaceId }) {
        const key = generateApiKey();
        const row = await insertApiKey(ctx.db, workspaceId, key.hash, key.prefix);
        return reply(201, { ...toApiKey(row), apiKey: key.key });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/api-keys/{id}',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      description: 'Refused (409) for the last active key, which would lock the workspace out.',
      tag: 'workspaces',
      auth: 'workspace',
      params: IdParams,
      responses: {
        204: { description: 'revoked' },
        409: { description: 'the last active key', schema: Problem },
      },
      async handler({ workspaceId, params }) {
        const keys = await listApiKeys(ctx.db, workspaceId);
        const key = keys.find((k) => k.id === params.id && !k.revokedAt);
        if (!key) throw notFound('API key', params.id);
        if ((await countActiveApiKeys(ctx.db, workspaceId)) <= 1) {
          throw new HttpProblem(
            409,
            "this is the workspace's last active key: create another with POST /v1/api-keys first",
          );
        }
        await revokeApiKey(ctx.db, workspaceId, params.id);
        return reply(204);
      },
    }),
  ];
}
