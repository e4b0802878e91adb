import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import {
  getSyncRun,
  listRunChanges,
  listSyncRuns,
  markRunCanceled,
} from '../../db/repositories/sync-run-queries';
import { recordApproval, recordCancellation, undoApproval } from '../../db/repositories/run-holds';
import { approveSignal } from '../../contracts/progress';
import type { ApiContext } from '../context';
import { decodeCursor, toPage } from '../http/pagination';
import { HttpProblem, notFound } from '../http/problem';
import { runActorOf } from '../http/run-actor';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, Problem, uuid } from '../schemas/common';
import {
  ChangeListQuery,
  RecipientChangePage,
  SyncRun,
  SyncRunListQuery,
  SyncRunPage,
  toRecipientChange,
  toSyncRun,
} from '../schemas/sync-runs';

/** started_at as Postgres prints it (`2026-11-27 10:00:00.123456+00`), so it casts back exactly. */
const RunCursor = z.object({
  startedAt: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/),
  id: uuid,
});

/** Sync runs: history, per-recipient changes, and the operator's approve and cancel. */
export function syncRunRoutes(ctx: ApiContext): AnyRoute[] {
  const ui = { temporalUiUrl: ctx.config.temporalUiUrl, temporalNamespace: ctx.config.temporalNamespace };
  const load = async (workspaceId: string, id: string) => {
    const run = await getSyncRun(ctx.db, workspaceId, id);
    if (!run) throw notFound('sync run', id);
    return run;
  };
  const handleOf = (run: { workflowId: string; temporalRunId: string | null }) =>
    ctx.temporal.workflow.getHandle(run.workflowId, run.temporalRunId ?? undefined);

  return [
    defineRoute({
      method: 'get',
      path: '/v1/sync-runs',
      operationId: 'listSyncRuns',
      summary: 'Sync runs, newest first, filtered by group, recipient, status, kind or trigger',
      tag: 'sync-runs',
      auth: 'workspace',
      query: SyncRunListQuery,
      responses: { 200: { description: 'a page of runs', schema: SyncRunPage } },
      async handler({ workspaceId, query }) {
        const after = decodeCursor(query.cursor, RunCursor);
        const rows = await listSyncRuns(ctx.db, workspaceId, query, { limit: query.limit, after });
        return reply(
          200,
          toPage(
            rows,
            query.limit,
            (r) => toSyncRun(r, ui),
            (r) => ({ startedAt: r.startedAtKey, id: r.id }),
          ),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/sync-runs/{id}',
      operationId: 'getSyncRun',
      summary: 'One run: status, phase, counts, error and its Temporal Web UI link',
      tag: 'sync-runs',
      auth: 'workspace',
      params: IdParams,
      responses: { 200: { description: 'the run', schema: SyncRun } },
      async handler({ workspaceId, params }) {
        return reply(200, toSyncRun(await load(workspaceId, params.id), ui));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/sync-runs/{id}/changes',
      operationId: 'listSyncRunChanges',
      summary: 'Per-recipient changes of a run, with reasons',
      tag: 'sync-runs',
      auth: 'workspace',
      params: IdParams,
      query: ChangeListQuery,
      responses: {
        200: { description: 'a page of changes, in the order they happened', schema: RecipientChangePage },
      },
      async handler({ workspaceId, params, query }) {
        await load(workspaceId, params.id);
        const after = decodeCursor(query.cursor, z.number().int().nonnegative());
        const rows = await listRunChanges(ctx.db, workspaceId, params.id, {
          limit: query.limit,
          afterId: after,
        });
        return reply(
          200,
          toPage(rows, query.limit, toRecipientChange, (r) => Number(r.id)),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/sync-runs/{id}/approve',
      operationId: 'approveSyncRun',
      summary: 'Approve a cleanup held by the deletion threshold',
      tag: 'sync-runs',
      auth: 'workspace',
      params: IdParams,
      responses: {
        202: { description: 'approval sent; the run goes on', schema: SyncRun },
        409: { description: 'the run is not waiting for approval, or was approved already', schema: Problem },
      },
      async handler({ workspaceId, apiKeyId, params }) {
        const run = await load(workspaceId, params.id);
        if (run.status !== 'waiting_approval') {
          throw new HttpProblem(
            409,
            `run ${run.id} is ${run.status}, not waiting for approval; nothing to approve`,
            { runStatus: run.status },
          );
        }
        // Recorded before the signal, once: a second approval (or one racing it) is a 409.
        if (!(await recordApproval(ctx.db, run.id, runActorOf(apiKeyId)))) {
          throw new HttpProblem(409, `run ${run.id} was approved already; nothing to approve`, {
            runStatus: run.status,
          });
        }
        try {
          await handleOf(run).signal(approveSignal, { approvedBy: `api-key:${apiKeyId}` });
        } catch (err) {
          await undoApproval(ctx.db, run.id);
          if (err instanceof WorkflowNotFoundError)
            throw new HttpProblem(409, `run ${run.id} is no longer running in Temporal; nothing to approve`);
          throw err;
        }
        return reply(202, toSyncRun(await load(workspaceId, params.id), ui));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/sync-runs/{id}/cancel',
      operationId: 'cancelSyncRun',
      summary: 'Cancel a running sync',
      description: 'Requests cancellation; the workflow stops at its next step and records status canceled.',
      tag: 'sync-runs',
      auth: 'workspace',
      params: IdParams,
      responses: {
        202: { description: 'cancellation requested', schema: SyncRun },
        409: { description: 'the run has already finished', schema: Problem },
      },
      async handler({ workspaceId, apiKeyId, params }) {
        const run = await load(workspaceId, params.id);
        if (run.status !== 'running' && run.status !== 'waiting_approval') {
          throw new HttpProblem(
            409,
            `run ${run.id} has already finished (${run.status}); nothing to cancel`,
            { runStatus: run.status },
          );
        }
        await recordCancellation(ctx.db, run.id, runActorOf(apiKeyId));
        try {
          await handleOf(run).cancel();
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          // Temporal has no such execution: the record is stale, so close it here.
          await markRunCanceled(
            ctx.db,
            run.id,
            'canceled through the API; Temporal had no running execution for it',
          );
        }
        return reply(202, toSyncRun(await load(workspaceId, params.id), ui));
      },
    }),
  ];
}
