import { listFieldSettings, replaceFieldSettings } from '../../db/repositories/field-settings';
import type { ApiContext } from '../context';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { FieldSettingsList } from '../schemas/field-settings';

/** Field Settings: the whole mapping list, read and replaced as one. */
export function fieldSettingRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/field-settings',
      operationId: 'getFieldSettings',
      summary: 'Which Graph property feeds each recipient field, and whether it syncs and overwrites',
      tag: 'field-settings',
      auth: 'workspace',
      responses: { 200: { description: 'the full list', schema: FieldSettingsList } },
      async handler({ workspaceId }) {
        return reply(200, await listFieldSettings(ctx.db, workspaceId));
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/field-settings',
      operationId: 'putFieldSettings',
      summary: 'Replace the Field Settings (the full list)',
      description: 'Fields left out are no longer synced. Email must be listed with sync=true.',
      tag: 'field-settings',
      auth: 'workspace',
      body: FieldSettingsList,
      responses: { 200: { description: 'the stored list', schema: FieldSettingsList } },
      async handler({ workspaceId, body }) {
        await replaceFieldSettings(ctx.db, workspaceId, body);
        return reply(200, await listFieldSettings(ctx.db, workspaceId));
      },
    }),
  ];
}
