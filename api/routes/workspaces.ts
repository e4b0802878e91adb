import { createWorkspace, deleteWorkspace, setWorkspaceDisabled } from '../../db/repositories/workspaces';
import type { WorkspaceRow } from '../../db/schema';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import type { ApiContext } from '../context';
import { generateApiKey } from '../http/api-keys';
import { HttpProblem, notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, iso, Problem } from '../schemas/common';
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
    defineRoute({
      method: 'delete',
      path: '/v1/workspaces/{id}',
      operationId: 'deleteWorkspace',
      summary: 'Delete a workspace and all of its data (admin)',
      description:
        "Erases the workspace's recipients, cards with their versions and public addresses, change history, runs, events, keys and Schedules. Refused (409) while one of its syncs runs: cancel it first.",
      tag: 'workspaces',
      auth: 'admin',
      params: IdParams,
      responses: {
        204: { description: 'deleted' },
        409: { description: 'a sync of the workspace is running (syncRunId)', schema: Problem },
      },
      async handler({ params }) {
        const running = await ctx.db
          .selectFrom('syncRuns')
          .select('id')
          .where('workspaceId', '=', params.id)
          .where('status', 'in', ['running', 'waiting_approval'])
          .executeTakeFirst();
        if (running)
          throw new HttpProblem(
            409,
            `workspace ${params.id} has a sync running; cancel it (POST /v1/sync-runs/${running.id}/cancel), then delete`,
            { syncRunId: running.id },
          );
        // Its Schedules first: once the rows are gone, nothing names them any more.
        const schedules = await ctx.db
          .selectFrom('schedules')
          .select('temporalScheduleId')
          .where('workspaceId', '=', params.id)
          .execute();
        for (const s of schedules)
          await ctx.temporal.schedule
            .getHandle(s.temporalScheduleId)
            .delete()
            .catch(() => undefined);
        if (!(await deleteWorkspace(ctx.db, params.id))) throw notFound('workspace', params.id);
        return reply(204, undefined);
      },
    }),
  ];
}
