import { z } from 'zod';
import { workspaceSyncWorkflowId, type WorkspaceSyncInput } from '../../contracts/workflows';
import type { ApiContext } from '../context';
import { defineRoute, type AnyRoute } from '../http/route';
import { Problem, SyncStarted } from '../schemas/common';
import { startSync } from '../start-sync';
import { runActorOf } from '../http/run-actor';

export const SyncAllBody = z
  .strictObject({
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(16)
      .optional()
      .meta({ description: 'group syncs at once (default 4)' }),
  })
  .optional();
export type SyncAllBody = z.infer<typeof SyncAllBody>;

/** `POST /v1/groups/sync-all`: a workspace sync, every linked group as a child group sync. */
export function syncAllRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/groups/sync-all',
      operationId: 'syncAllGroups',
      summary: 'Sync every linked group',
      description:
        'Starts the workspace sync: each linked group is synced as its own group sync (trigger `workspace`, parentRunId the returned run), ' +
        'a few at a time. A group whose sync is already running is skipped. The returned run sums the group runs’ counts when it ends.',
      tag: 'groups',
      auth: 'workspace',
      body: SyncAllBody,
      responses: {
        202: { description: 'started; Location is the workspace run', schema: SyncStarted },
        409: { description: 'a workspace sync is running (syncRunId names it)', schema: Problem },
      },
      async handler({ workspaceId, apiKeyId, body }) {
        // 409 either way: the same workflow id running, or (a Schedule's run) the one-active-run index.
        return startSync(ctx, {
          startedBy: runActorOf(apiKeyId),
          workspaceId,
          kind: 'workspace',
          workflowType: 'workspaceSyncWorkflow',
          workflowId: () => workspaceSyncWorkflowId(workspaceId),
          params: body?.concurrency ? { concurrency: body.concurrency } : {},
          input: (syncRunId): WorkspaceSyncInput => ({
            workspaceId,
            syncRunId,
            trigger: 'api',
            concurrency: body?.concurrency,
          }),
        });
      },
    }),
  ];
}
