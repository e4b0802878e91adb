import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../contracts/progress';
import { groupSyncWorkflowId, workspaceSyncWorkflowId } from '../../contracts/workflows';
import { stubActivities, type ActivityStubs } from '../helpers/stub-activities';
import { createTimeSkippingEnv, withStubbedWorker } from '../helpers/workflow-test-env';

describe('workspaceSyncWorkflow on stubbed activities', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  function start(taskQueue: string, concurrency: number) {
    const workspaceId = randomUUID();
    const syncRunId = randomUUID();
    return env.client.workflow.start('workspaceSyncWorkflow', {
      taskQueue,
      workflowId: workspaceSyncWorkflowId(workspaceId),
      args: [{ workspaceId, syncRunId, trigger: 'api', concurrency }],
    });
  }

  it('when five groups sync two at a time, then never more than two children run at once, two do, and all five run', async () => {
    const groupIds = Array.from({ length: 5 }, () => randomUUID());
    let running = 0;
    let mostAtOnce = 0;
    // A child runs from its run record's start to its end; the delay lets neighbours overlap.
    const child: Partial<ActivityStubs> = {
      beginSyncRun: async (input: { groupId: string }) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        return { started: true, groupName: input.groupId };
      },
      fetchDeltaChanges: async () => {
        await sleep(150);
        return { counts: { membersFetched: 1 }, fellBack: false, groupName: 'g' };
      },
      finishSyncRun: async () => {
        running -= 1;
        return { counts: { membersFetched: 1 } };
      },
    };
    const stubs = stubActivities(child, { groupIds });
    const result = await withStubbedWorker(env, stubs.activities, async (taskQueue) => {
      const handle = await start(taskQueue, 2);
      const result = await handle.result();
      expect(await handle.query(progressQuery)).toMatchObject({ status: 'completed', phase: 'done' });
      return result;
    });

    expect(mostAtOnce).toBe(2);
    // Children that start together may begin their runs in either order.
    expect(
      stubs
        .inputsOf('beginSyncRun')
        .map((i) => i.groupId)
        .sort(),
    ).toEqual([...groupIds].sort());
    const [finish] = stubs.inputsOf('finishWorkspaceRun');
    expect(finish.canceled).toBe(false);
    expect(finish.children.map((c: { groupId: string }) => c.groupId).sort()).toEqual([...groupIds].sort());
    expect(finish.children.every((c: { outcome: string }) => c.outcome === 'completed')).toBe(true);
    expect(result).toMatchObject({ status: 'completed', groups: { total: 5, completed: 5 } });
    // Each child points at the workspace run and says a workspace sync started it.
    const parentRunId = stubs.inputsOf('beginWorkspaceRun')[0].syncRunId;
    for (const input of stubs.inputsOf('beginSyncRun'))
      expect(input).toMatchObject({ kind: 'group', trigger: 'workspace', parentRunId });
  });

  it('when a group sync of the same group is already running, then that group is skipped and the others sync', async () => {
    const groupIds = [randomUUID(), randomUUID()];
    // Holds `group-sync-{id}` open: started on a task queue no worker polls.
    const busy = await env.client.workflow.start('groupSyncWorkflow', {
      taskQueue: `nobody-${randomUUID()}`,
      workflowId: groupSyncWorkflowId(groupIds[1]!),
      args: [{}],
    });
    try {
      const stubs = stubActivities({}, { groupIds });
      await withStubbedWorker(env, stubs.activities, async (taskQueue) =>
        (await start(taskQueue, 4)).result(),
      );
      expect(stubs.inputsOf('finishWorkspaceRun')[0].children).toEqual(
        expect.arrayContaining([
          { groupId: groupIds[0], outcome: 'completed' },
          { groupId: groupIds[1], outcome: 'already_running' },
        ]),
      );
      expect(stubs.inputsOf('beginSyncRun').map((i) => i.groupId)).toEqual([groupIds[0]]);
    } finally {
      await busy.terminate('test done');
    }
  });

  it('when listing the groups fails with a code a retry cannot fix, then the run record ends failed with that code and message, without a retry', async () => {
    const message = 'the workspace has no Entra connection; connect it with PUT /v1/connection';
    const stubs = stubActivities({
      listLinkedGroupIds: async () => {
        throw ApplicationFailure.retryable(message, 'no_connection');
      },
    });
    const failure = await withStubbedWorker(env, stubs.activities, async (taskQueue) =>
      (await start(taskQueue, 4)).result().catch((err: unknown) => err),
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({ type: 'no_connection' });
    expect(stubs.inputsOf('listLinkedGroupIds')).toHaveLength(1);
    expect(stubs.inputsOf('finishSyncRun')).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({ code: 'no_connection' }),
      }),
    ]);
    expect(stubs.names()).not.toContain('finishWorkspaceRun');
  });

  it('when another workspace sync holds the run record, then this one is skipped without listing groups', async () => {
    const stubs = stubActivities({
      beginWorkspaceRun: async () => ({ started: false, runningSyncRunId: 'run-going' }),
    });
    const result = await withStubbedWorker(env, stubs.activities, async (taskQueue) =>
      (await start(taskQueue, 4)).result(),
    );
    expect(result).toEqual({
      syncRunId: 'run-going',
      status: 'skipped',
      reason: 'another workspace sync is running',
    });
    expect(stubs.names()).toEqual(['beginWorkspaceRun']);
  });
  it('when a workspace sync is canceled while its children wait for approval, then the children end canceled and so does the workspace run', async () => {
    const groupIds = [randomUUID(), randomUUID()];
    const stubs = stubActivities(
      {
        planCleanUp: async () => ({
          counts: {},
          wouldRemove: 5,
          memberCount: 5,
          exceedsThreshold: true,
          reason: 'would remove every member',
        }),
      },
      { groupIds },
    );
    await withStubbedWorker(env, stubs.activities, async (taskQueue) => {
      const handle = await start(taskQueue, 4);
      while (stubs.inputsOf('setSyncRunStatus').length < 2) await sleep(25);
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    });
    const [finish] = stubs.inputsOf('finishWorkspaceRun');
    expect(finish.canceled).toBe(true);
    expect(finish.children.map((c: { outcome: string }) => c.outcome)).toEqual(['canceled', 'canceled']);
    expect(stubs.inputsOf('finishSyncRun').map((i) => i.status)).toEqual(['canceled', 'canceled']);
    expect(stubs.names()).not.toContain('applyFieldSettings');
  });
});
