import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { isActiveRunConflict } from '../db/active-run-constraints';
import {
  deleteSyncRun,
  findActiveRunByWorkflowId,
  findActiveRunForGroup,
  findActiveWorkspaceRun,
  insertSyncRun,
  setTemporalRunId,
} from '../db/repositories/sync-run-queries';
import type { RunActor, SyncRunKind } from '../contracts/sync-runs';
import { GroupIdKey, SyncKindKey, SyncTriggerKey, WorkspaceIdKey } from '../contracts/search-attributes';
import { waitForClosingWorkflow } from './closing-workflow';
import type { ApiContext } from './context';
import { HttpProblem } from './http/problem';
import { reply, type Reply } from './http/route';

export type SyncWorkflowType =
  | 'groupSyncWorkflow'
  | 'groupPreviewWorkflow'
  | 'recipientSyncWorkflow'
  | 'importUsersWorkflow'
  | 'workspaceSyncWorkflow';

export interface StartSyncRequest {
  workspaceId: string;
  kind: SyncRunKind;
  workflowType: SyncWorkflowType;
  /** From the new run's id, for workflows whose id is per run (imports). */
  workflowId: (syncRunId: string) => string;
  groupId?: string;
  recipientId?: string;
  mode?: string;
  syncType?: string;
  /** Stored on the run record; large inputs (import ids) travel here, not through workflow history. */
  params?: Record<string, unknown>;
  /** The workflow's single argument, given the new run's id. */
  input: (syncRunId: string) => object;
  /** The caller: on the run record, and in the input for the runs a workspace sync starts. */
  startedBy?: RunActor;
}

/** How long a start waits for a just-finished run's workflow to close before answering 409. */
const CLOSING_WAIT_MS = 10_000;

type Attempt =
  | { kind: 'started'; reply: Reply }
  /** Another run is unfinished: its id (null only while a race settles; the start tries again). */
  | { kind: 'running'; syncRunId: string | null }
  /** No unfinished run, but the workflow id is still open: its last run is closing. */
  | { kind: 'closing' };

/**
 * The start protocol shared with the worker: write the run record (running, trigger api), start
 * the workflow with that run's id in its input, and store Temporal's run id. When another run is
 * unfinished, the answer is 409 with its id. A run record reads completed just before its workflow
 * closes, so a start that meets the still-open workflow with no unfinished record waits briefly
 * for it to close and starts again.
 */
export async function startSync(ctx: ApiContext, req: StartSyncRequest): Promise<Reply> {
  const deadline = Date.now() + CLOSING_WAIT_MS;
  for (;;) {
    const syncRunId = randomUUID();
    const workflowId = req.workflowId(syncRunId);
    const attempt = await attemptStart(ctx, req, syncRunId, workflowId);
    if (attempt.kind === 'started') return attempt.reply;
    if (attempt.kind === 'running' && attempt.syncRunId) throw alreadyRunning(req, attempt.syncRunId);
    if (attempt.kind === 'closing') {
      const open = await waitForClosingWorkflow(ctx.temporal, workflowId, deadline);
      if (open?.syncRunId) throw alreadyRunning(req, open.syncRunId);
    }
    if (attempt.kind === 'running') await new Promise((resolve) => setTimeout(resolve, 50));
    if (Date.now() >= deadline) {
      throw new HttpProblem(503, 'the previous run of this sync is still closing; try again shortly');
    }
  }
}

function alreadyRunning(req: StartSyncRequest, runningId: string): HttpProblem {
  return new HttpProblem(
    409,
    `a ${req.kind} sync is already running; wait for it, or cancel it with POST /v1/sync-runs/{id}/cancel`,
    { syncRunId: runningId },
  );
}

async function attemptStart(
  ctx: ApiContext,
  req: StartSyncRequest,
  syncRunId: string,
  workflowId: string,
): Promise<Attempt> {
  try {
    await insertSyncRun(ctx.db, {
      id: syncRunId,
      workspaceId: req.workspaceId,
      kind: req.kind,
      mode: req.mode ?? null,
      syncType: req.syncType ?? null,
      trigger: 'api',
      status: 'running',
      groupId: req.groupId ?? null,
      recipientId: req.recipientId ?? null,
      params: JSON.stringify(req.params ?? {}),
      startedBy: req.startedBy ? JSON.stringify(req.startedBy) : null,
      counts: '{}',
      checkpoint: '{}',
      workflowId,
    });
  } catch (err) {
    // Postgres allows one unfinished run per group and per workspace, whoever started it (API or schedule).
    if (!isActiveRunConflict(err)) throw err;
    const running = req.groupId
      ? await findActiveRunForGroup(ctx.db, req.workspaceId, req.groupId, req.kind)
      : await findActiveWorkspaceRun(ctx.db, req.workspaceId);
    return { kind: 'running', syncRunId: running?.id ?? null };
  }

  const searchAttributes: SearchAttributePair[] = [
    { key: WorkspaceIdKey, value: req.workspaceId },
    { key: SyncKindKey, value: req.kind },
    { key: SyncTriggerKey, value: 'api' },
  ];
  if (req.groupId) searchAttributes.push({ key: GroupIdKey, value: req.groupId });

  let temporalRunId: string;
  try {
    const handle = await ctx.temporal.workflow.start(req.workflowType, {
      taskQueue: ctx.config.taskQueue,
      workflowId,
      args: [{ ...req.input(syncRunId), ...(req.startedBy ? { startedBy: req.startedBy } : {}) }],
      typedSearchAttributes: searchAttributes,
      memo: { syncRunId, workspaceId: req.workspaceId },
    });
    temporalRunId = handle.firstExecutionRunId;
  } catch (err) {
    await deleteSyncRun(ctx.db, syncRunId);
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const running = await findActiveRunByWorkflowId(ctx.db, req.workspaceId, workflowId);
      return running ? { kind: 'running', syncRunId: running.id } : { kind: 'closing' };
    }
    ctx.logger.error({ err, workflowId }, 'could not start workflow');
    throw new HttpProblem(
      503,
      'Temporal did not accept the workflow start; the sync was not started, try again shortly',
    );
  }
  // Outside the try: once started, the run record must stay even if this write fails.
  await setTemporalRunId(ctx.db, syncRunId, temporalRunId);
  return {
    kind: 'started',
    reply: reply(202, { syncRunId, workflowId }, { Location: `/v1/sync-runs/${syncRunId}` }),
  };
}
