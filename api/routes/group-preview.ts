import { getGroup } from '../../db/repositories/groups';
import { groupPreviewWorkflowId, type GroupPreviewInput } from '../../contracts/workflows';
import type { ApiContext } from '../context';
import { notFound } from '../http/problem';
import { defineRoute, type AnyRoute } from '../http/route';
import { IdParams, Problem, SyncStarted } from '../schemas/common';
import { startSync } from '../start-sync';

/** The confirmation before a group sync: a run of kind `preview` that plans and writes nothing. */
export function groupPreviewRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/groups/{id}/preview',
      operationId: 'previewGroupSync',
      summary: 'Preview a group sync',
      description:
        'Reads every member of the group as a full sync would and plans what a sync would do, without doing it: ' +
        'the run (kind `preview`) completes with counts `wouldCreate, wouldUpdate, wouldReactivate, wouldDeactivate, ' +
        'wouldDelete, wouldRemoveFromGroup, skipped`, and GET /v1/sync-runs/{id}/changes lists the planned changes ' +
        '(`planned: true`). Nothing is written to recipients, memberships, cards or photos, and the group keeps its ' +
        'delta links, last full read and name. A preview may run beside a sync of the same group; a sync started ' +
        'afterwards reads the directory again.',
      tag: 'groups',
      auth: 'workspace',
      params: IdParams,
      responses: {
        202: { description: 'started; Location is the run', schema: SyncStarted },
        409: { description: 'a preview of this group is running (syncRunId names it)', schema: Problem },
      },
      async handler({ workspaceId, params }) {
        if (!(await getGroup(ctx.db, workspaceId, params.id))) throw notFound('group', params.id);
        return startSync(ctx, {
          workspaceId,
          kind: 'preview',
          workflowType: 'groupPreviewWorkflow',
          workflowId: () => groupPreviewWorkflowId(params.id),
          groupId: params.id,
          syncType: 'full',
          input: (syncRunId): GroupPreviewInput => ({
            workspaceId,
            syncRunId,
            trigger: 'api',
            groupId: params.id,
          }),
        });
      },
    }),
  ];
}
