import {
  deleteGroup,
  findGroupByEntraId,
  getGroup,
  insertGroup,
  listGroups,
  updateGroup,
} from '../../db/repositories/groups';
import { findActiveRunForGroup } from '../../db/repositories/sync-run-queries';
import { DEFAULT_CARD_TEMPLATE } from '../../domain/card';
import { DEFAULT_SYNC_OPTIONS } from '../../domain/sync-options';
import { groupSyncWorkflowId, type GroupSyncInput } from '../../contracts/workflows';
import type { ApiContext } from '../context';
import { callEntra, prop, requireConnection } from '../entra';
import { decodeCursor, toPage } from '../http/pagination';
import { HttpProblem, notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, Problem, SyncStarted, uuid } from '../schemas/common';
import {
  CreateGroupBody,
  Group,
  GroupListQuery,
  GroupPage,
  GroupSyncBody,
  mergeCardTemplate,
  mergeSyncOptions,
  PatchGroupBody,
  toGroup,
} from '../schemas/groups';
import { startSync } from '../start-sync';
import { removeGroupSchedules } from './schedules';
import { runActorOf } from '../http/run-actor';

/** Linked Entra groups: their sync options and card template, and starting a group sync. */
export function groupRoutes(ctx: ApiContext): AnyRoute[] {
  const load = async (workspaceId: string, id: string) => {
    const group = await getGroup(ctx.db, workspaceId, id);
    if (!group) throw notFound('group', id);
    return group;
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/groups',
      operationId: 'linkGroup',
      summary: 'Link an Entra group',
      description:
        'Sync options and card template are merged over the defaults. Without `name` the group is looked up in Entra for its name. ' +
        'Linking does not sync: start one with POST /v1/groups/{id}/sync.',
      tag: 'groups',
      auth: 'workspace',
      body: CreateGroupBody,
      responses: {
        201: { description: 'linked', schema: Group },
        404: { description: 'no such group in Entra (when looked up)', schema: Problem },
        409: {
          description: 'already linked (groupId names it), or no Entra connection to look the name up',
          schema: Problem,
        },
      },
      async handler({ workspaceId, body }) {
        const existing = await findGroupByEntraId(ctx.db, workspaceId, body.entraGroupId);
        if (existing)
          throw new HttpProblem(
            409,
            `Entra group ${body.entraGroupId} is already linked as group ${existing.id}`,
            { groupId: existing.id },
          );
        let name = body.name;
        let description: string | null = null;
        if (!name) {
          const conn = await requireConnection(ctx.db, workspaceId, ctx.config.encryptionKey);
          const entraGroup = await callEntra(() =>
            ctx.entraClientFor(conn, { onRequest: ctx.metrics.graphRequest }).getGroup(body.entraGroupId),
          );
          const displayName = prop(entraGroup, 'displayName');
          const entraDescription = prop(entraGroup, 'description');
          name = typeof displayName === 'string' && displayName ? displayName : body.entraGroupId;
          description = typeof entraDescription === 'string' ? entraDescription : null;
        }
        const row = await insertGroup(ctx.db, {
          workspaceId,
          entraGroupId: body.entraGroupId,
          name,
          description,
          syncOptions: mergeSyncOptions(DEFAULT_SYNC_OPTIONS, body.syncOptions),
          cardTemplate: mergeCardTemplate(DEFAULT_CARD_TEMPLATE, body.cardTemplate),
        });
        // A concurrent link of the same group won the unique constraint.
        if (!row) throw new HttpProblem(409, `Entra group ${body.entraGroupId} is already linked`);
        return reply(201, toGroup(await load(workspaceId, row.id)), { Location: `/v1/groups/${row.id}` });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/groups',
      operationId: 'listGroups',
      summary: 'Linked groups',
      tag: 'groups',
      auth: 'workspace',
      query: GroupListQuery,
      responses: { 200: { description: 'a page of groups', schema: GroupPage } },
      async handler({ workspaceId, query }) {
        const after = decodeCursor(query.cursor, uuid);
        const rows = await listGroups(ctx.db, workspaceId, { limit: query.limit, afterId: after });
        return reply(
          200,
          toPage(rows, query.limit, toGroup, (r) => r.id),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/groups/{id}',
      operationId: 'getGroup',
      summary: 'One linked group',
      tag: 'groups',
      auth: 'workspace',
      params: IdParams,
      responses: { 200: { description: 'the group', schema: Group } },
      async handler({ workspaceId, params }) {
        return reply(200, toGroup(await load(workspaceId, params.id)));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/groups/{id}',
      operationId: 'updateGroup',
      summary: "Change a group's name, sync options or card template",
      description:
        'Sync options merge over the stored ones; each given card template member replaces the stored one. Cards change at the next sync.',
      tag: 'groups',
      auth: 'workspace',
      params: IdParams,
      body: PatchGroupBody,
      responses: { 200: { description: 'the group', schema: Group } },
      async handler({ workspaceId, params, body }) {
        const group = await load(workspaceId, params.id);
        await updateGroup(ctx.db, workspaceId, params.id, {
          name: body.name,
          syncOptions: body.syncOptions ? mergeSyncOptions(group.syncOptions, body.syncOptions) : undefined,
          cardTemplate: body.cardTemplate
            ? mergeCardTemplate(group.cardTemplate, body.cardTemplate)
            : undefined,
        });
        return reply(200, toGroup(await load(workspaceId, params.id)));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/groups/{id}',
      operationId: 'unlinkGroup',
      summary: 'Unlink a group',
      description:
        "Removes the group, its memberships and its cards (recipients stay). Refused (409, with syncRunId) while the group's sync runs.",
      tag: 'groups',
      auth: 'workspace',
      params: IdParams,
      responses: {
        204: { description: 'unlinked' },
        409: { description: 'a sync of the group is running', schema: Problem },
      },
      async handler({ workspaceId, params }) {
        await load(workspaceId, params.id);
        const running = await findActiveRunForGroup(ctx.db, workspaceId, params.id);
        if (running) {
          throw new HttpProblem(
            409,
            'a sync of this group is running: cancel it (POST /v1/sync-runs/{id}/cancel) or wait, then unlink',
            {
              syncRunId: running.id,
            },
          );
        }
        // Its schedules would otherwise keep starting syncs of a group that is gone.
        await removeGroupSchedules(ctx, workspaceId, params.id);
        if (!(await deleteGroup(ctx.db, workspaceId, params.id))) throw notFound('group', params.id);
        return reply(204);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/groups/{id}/sync',
      operationId: 'syncGroup',
      summary: 'Start a group sync',
      tag: 'groups',
      auth: 'workspace',
      params: IdParams,
      body: GroupSyncBody,
      responses: {
        202: { description: 'started; Location is the run', schema: SyncStarted },
        409: { description: 'a sync of this group is running (syncRunId names it)', schema: Problem },
      },
      async handler({ workspaceId, apiKeyId, params, body }) {
        await load(workspaceId, params.id);
        return startSync(ctx, {
          startedBy: runActorOf(apiKeyId),
          workspaceId,
          kind: 'group',
          workflowType: 'groupSyncWorkflow',
          workflowId: () => groupSyncWorkflowId(params.id),
          groupId: params.id,
          syncType: body?.full ? 'full' : undefined,
          params: body?.full ? { full: true } : {},
          input: (syncRunId): GroupSyncInput => ({
            workspaceId,
            syncRunId,
            trigger: 'api',
            groupId: params.id,
            full: body?.full,
          }),
        });
      },
    }),
  ];
}
