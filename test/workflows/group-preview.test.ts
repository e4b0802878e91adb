import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupPreviewWorkflowId, type GroupPreviewInput } from '../../contracts/workflows';
import { stubActivities } from '../helpers/stub-activities';
import { createTimeSkippingEnv, withStubbedWorker } from '../helpers/workflow-test-env';

describe('groupPreviewWorkflow on stubbed activities', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  function start(taskQueue: string, input: Partial<GroupPreviewInput> = {}) {
    const groupId = randomUUID();
    return env.client.workflow.start('groupPreviewWorkflow', {
      taskQueue,
      workflowId: groupPreviewWorkflowId(groupId),
      args: [{ workspaceId: randomUUID(), groupId, trigger: 'api', syncRunId: randomUUID(), ...input }],
    });
  }

  it('when a preview runs, then it fetches in full as a forecast, stages the cleanup and plans, and applies nothing', async () => {
    const stubs = stubActivities();
    const result = await withStubbedWorker(env, stubs.activities, async (taskQueue) =>
      (await start(taskQueue)).result(),
    );
    expect(result).toMatchObject({ status: 'completed' });
    expect(stubs.names()).toEqual([
      'beginSyncRun',
      'fetchMembers',
      'planCleanUp',
      'planPreview',
      'finishSyncRun',
    ]);
    expect(stubs.inputsOf('beginSyncRun')[0]).toMatchObject({ kind: 'preview', syncType: 'full' });
    const fetch = stubs.inputsOf('fetchMembers')[0];
    expect(fetch).toMatchObject({ forecast: true });
    // No delta rounds are opened: the group's links stay those of its last sync.
    expect(fetch.deltaBasis).toBeUndefined();
    expect(stubs.inputsOf('planCleanUp')[0]).toMatchObject({ syncType: 'full' });
  });

  it('when planning fails with a non-retryable code, then the run ends failed with it and nothing else runs', async () => {
    const stubs = stubActivities({
      planPreview: async () => {
        throw ApplicationFailure.nonRetryable('the group is no longer linked', 'not_linked');
      },
    });
    const err = await withStubbedWorker(env, stubs.activities, async (taskQueue) =>
      (await start(taskQueue)).result().catch((e: unknown) => e),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(stubs.names()).toEqual([
      'beginSyncRun',
      'fetchMembers',
      'planCleanUp',
      'planPreview',
      'finishSyncRun',
    ]);
    expect(stubs.inputsOf('finishSyncRun')[0]).toMatchObject({
      status: 'failed',
      error: { code: 'not_linked' },
    });
  });
});
