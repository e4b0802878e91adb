import { createWorkspace, setWorkspaceDisabled } from '../../db/repositories/workspaces';
import type { WorkspaceRow } from '../../db/schema';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import type { ApiContext } from '../context';
import { generateApiKey } from '../http/api-keys';
import { notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, iso } from '../schemas/common';
import { CreateWorkspaceBody, UpdateWorkspaceBody, Workspace, WorkspaceCreated } from '../schemas/workspaces';

const toWorkspace = (row: WorkspaceRow): Workspace => ({
  id: row.id,
  name: row.name,
  disabled: row.disabledAt !== null,
  disabledAt: iso(row.disabledAt),
  createdAt: row.createdAt.toISOString(),
});

/** Workspaces: created and disabled by the operator (ADMIN_TOKEN). */
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
      method: 'patch',
      path: '/v1/workspaces/{id}',
      operationId: 'updateWorkspace',
      summary: 'Disable or enable a workspace (admin)',
      description:
        'While disabled, every key of the workspace answers 403 and its syncs (Schedules, runs already going) fail `workspace_disabled` at their next activity; its data, keys and Schedules are kept, and enabling it lets the same keys in again.',
      tag: 'workspaces',
      auth: 'admin',
      params: IdParams,
      body: UpdateWorkspaceBody,
      responses: { 200: { description: 'the workspace', schema: Workspace } },
      async handler({ params, body }) {
        const row = await setWorkspaceDisabled(ctx.db, params.id, body.disabled);
        if (!row) throw notFound('workspace', params.id);
        return reply(200, toWorkspace(row));
      },
    }),
  ];
}
