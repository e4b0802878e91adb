import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWorkflowId, recipientSyncWorkflowId, type RecipientSyncMode } from '../../contracts/workflows';
import { stubActivities } from '../helpers/stub-activities';
import { createTimeSkippingEnv, withStubbedWorker } from '../helpers/workflow-test-env';

describe('recipientSyncWorkflow and importUsersWorkflow on stubbed activities', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const paths: Array<[RecipientSyncMode, string[]]> = [
    ['info', ['beginSyncRun', 'fetchRecipientUser', 'applyFieldSettings', 'cleanUpUsers', 'finishSyncRun']],
    ['cards', ['beginSyncRun', 'updateCards', 'finishSyncRun']],
    [
      'full',
      [
        'beginSyncRun',
        'fetchRecipientUser',
        'applyFieldSettings',
        'cleanUpUsers',
        'updateCards',
        'finishSyncRun',
      ],
    ],
  ];
  for (const [mode, expected] of paths) {
    it(`when a recipient syncs in mode ${mode}, then exactly the activities of that mode run, and the run completes`, async () => {
      const stubs = stubActivities();
      const recipientId = randomUUID();
      const result = await withStubbedWorker(env, stubs.activities, async (taskQueue) => {
        const handle = await env.client.workflow.start('recipientSyncWorkflow', {
          taskQueue,
          workflowId: recipientSyncWorkflowId(recipientId),
          args: [{ workspaceId: randomUUID(), recipientId, mode, trigger: 'api', syncRunId: randomUUID() }],
        });
        return handle.result();
      });
      expect(result).toMatchObject({ status: 'completed' });
      expect(stubs.names()).toEqual(expected);
      // A single person's sync refreshes their photo whatever it was; cards are theirs only.
      for (const input of stubs.inputsOf('applyFieldSettings'))
        expect(input).toMatchObject({ photos: 'all' });
      for (const input of stubs.inputsOf('updateCards')) expect(input).toMatchObject({ recipientId });
    });
  }

  it('when users are imported, then they are fetched by id and applied, and the run completes with the counts of its record', async () => {
    const stubs = stubActivities({ finishSyncRun: async () => ({ counts: { recipientsCreated: 2 } }) });
    const syncRunId = randomUUID();
    const result = await withStubbedWorker(env, stubs.activities, async (taskQueue) => {
      const handle = await env.client.workflow.start('importUsersWorkflow', {
        taskQueue,
        workflowId: importWorkflowId(syncRunId),
        args: [{ workspaceId: randomUUID(), syncRunId, trigger: 'api', userCount: 2 }],
      });
      return handle.result();
    });
    expect(stubs.names()).toEqual(['beginSyncRun', 'fetchUsersByIds', 'applyFieldSettings', 'finishSyncRun']);
    expect(stubs.inputsOf('beginSyncRun')[0]).toMatchObject({ id: syncRunId, kind: 'import' });
    expect(result).toEqual({ syncRunId, status: 'completed', counts: { recipientsCreated: 2 } });
  });
});
