import { z } from 'zod';
import { getWorkspaceSettings, setWorkspaceSettings } from '../../db/repositories/public-cards';
import type { ApiContext } from '../context';
import { defineRoute, reply, type AnyRoute } from '../http/route';

const WorkspaceSettings = z
  .object({
    publicPagesIndexable: z.boolean().meta({
      description: 'card pages may be indexed by search engines; false (default) sends noindex',
    }),
  })
  .meta({ id: 'WorkspaceSettings' });

const PatchWorkspaceSettings = z.strictObject({ publicPagesIndexable: z.boolean() });

/** The workspace's own settings (today: whether its public card pages may be indexed). */
export function workspaceSettingRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/workspace/settings',
      operationId: 'getWorkspaceSettings',
      summary: "The workspace's settings",
      tag: 'workspaces',
      auth: 'workspace',
      responses: { 200: { description: 'the settings', schema: WorkspaceSettings } },
      async handler({ workspaceId }) {
        return reply(200, await getWorkspaceSettings(ctx.db, workspaceId));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/workspace/settings',
      operationId: 'updateWorkspaceSettings',
      summary: "Change the workspace's settings",
      tag: 'workspaces',
      auth: 'workspace',
      body: PatchWorkspaceSettings,
      responses: { 200: { description: 'the settings now', schema: WorkspaceSettings } },
      async handler({ workspaceId, body }) {
        return reply(200, await setWorkspaceSettings(ctx.db, workspaceId, body));
      },
    }),
  ];
}
