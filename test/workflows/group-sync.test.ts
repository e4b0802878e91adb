import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveSignal, progressQuery, type SyncProgress } from '../../contracts/progress';
import { groupSyncWorkflowId, type GroupSyncInput } from '../../contracts/workflows';
import { stubActivities, type ActivityStubs, type StubbedActivities } from '../helpers/stub-activities';
import { createTimeSkippingEnv, withStubbedWorker } from '../helpers/workflow-test-env';

const exceedsThreshold: Partial<ActivityStubs> = {
  planCleanUp: async () => ({
    counts: { membersFetched: 10 },
    wouldRemove: 8,
    memberCount: 10,
    exceedsThreshold: true,
    reason: 'would remove 8 of 10 members (over 20%)',
    wouldDeactivate: 5,
    wouldDelete: 0,
    wouldRemoveFromGroup: 3,
    approvalTimeoutHours: 5,
  }),
};

/** The query answers once the workflow has run its first task; until then it is retried. */
async function progressWhen(
  handle: WorkflowHandle,
  done: (p: SyncProgress) => boolean,
): Promise<SyncProgress> {
  for (let i = 0; i < 200; i++) {
    const progress = await handle.query(progressQuery).catch(() => null);
    if (progress && done(progress)) return progress;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the run never reached the awaited progress');
}

describe('groupSyncWorkflow on stubbed activities', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  function start(taskQueue: string, input: Partial<GroupSyncInput> = {}) {
    const groupId = randomUUID();
    return env.client.workflow.start('groupSyncWorkflow', {
      taskQueue,
      workflowId: groupSyncWorkflowId(groupId),
      args: [{ workspaceId: randomUUID(), groupId, trigger: 'api', syncRunId: randomUUID(), ...input }],
    });
  }

  it('when a delta read answers that its links expired, then the run reads every member and goes on as a full run', async () => {
    const stubs = stubActivities({ fetchDeltaChanges: async () => ({ counts: {}, fellBack: true }) });
    const result = await withStubbedWorker(env, stubs.activities, async (taskQueue) =>
      (await start(taskQueue)).result(),
    );
    expect(result).toMatchObject({ status: 'completed' });
    expect(stubs.names()).toEqual([
      'beginSyncRun',
      'chooseSyncType',
      'fetchDeltaChanges',
      'fetchMembers',
      'planCleanUp',
      'applyFieldSettings',
      'cleanUpUsers',
      'updateCards',
      'finishSyncRun',
    ]);
    expect(stubs.inputsOf('fetchMembers')[0]).toMatchObject({ deltaBasis: 'basis-1' });
    // Cleanup and cards treat the run as full: every member, not only the touched ones.
    expect(stubs.inputsOf('planCleanUp')[0]).toMatchObject({ syncType: 'full' });
    expect(stubs.inputsOf('updateCards')[0]).toMatchObject({ touchedOnly: false });
  });

  it('when a delta read succeeds, then no full listing runs and only touched cards are updated', async () => {
    const stubs = stubActivities();
    await withStubbedWorker(env, stubs.activities, async (taskQueue) => (await start(taskQueue)).result());
    expect(stubs.names()).not.toContain('fetchMembers');
    expect(stubs.inputsOf('planCleanUp')[0]).toMatchObject({ syncType: 'delta' });
    expect(stubs.inputsOf('updateCards')[0]).toMatchObject({ touchedOnly: true });
  });

  it('when the cleanup crosses the deletion threshold, then the run waits for approval and, once approved, applies and completes', async () => {
    const stubs = stubActivities(exceedsThreshold);
    await withStubbedWorker(env, stubs.activities, async (taskQueue) => {
      const handle = await start(taskQueue, { full: true });
      const waiting = await progressWhen(handle, (p) => p.status === 'waiting_approval');
      expect(waiting).toMatchObject({
        phase: 'waiting_approval',
        pendingApproval: { wouldRemove: 8, memberCount: 10 },
      });
      expect(stubs.inputsOf('setSyncRunStatus')).toEqual([
        expect.objectContaining({ status: 'waiting_approval', phase: 'waiting_approval' }),
      ]);
      // Nothing is applied while the run waits.
      expect(stubs.names()).not.toContain('applyFieldSettings');

      await handle.signal(approveSignal, { approvedBy: 'test' });
      expect(await handle.result()).toMatchObject({ status: 'completed' });
      expect(await handle.query(progressQuery)).toMatchObject({ status: 'completed', pendingApproval: null });
    });
    expect(stubs.inputsOf('setSyncRunStatus').map((i) => i.status)).toEqual(['waiting_approval', 'running']);
    expect(stubs.inputsOf('setSyncRunStatus')[1]).toMatchObject({ holdOutcome: 'approved' });
    expect(stubs.names().slice(-4)).toEqual([
      'applyFieldSettings',
      'cleanUpUsers',
      'updateCards',
      'finishSyncRun',
    ]);
    expect(stubs.inputsOf('finishSyncRun')[0]).toMatchObject({ status: 'completed' });
  });

  it('when nobody approves a held run within approvalTimeoutHours, then the run completes timed_out without the cleanup', async () => {
    const stubs = stubActivities(exceedsThreshold);
    const timer = await withStubbedWorker(env, stubs.activities, async (taskQueue) => {
      const handle = await start(taskQueue, { full: true });
      await progressWhen(handle, (p) => p.status === 'waiting_approval');
      // Awaiting the result lets the test server skip time to the hold's timer.
      expect(await handle.result()).toMatchObject({ status: 'completed' });
      const history = await handle.fetchHistory();
      return history.events?.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
    });
    expect(Number(timer?.startToFireTimeout?.seconds)).toBe(5 * 3600);
    expect(stubs.inputsOf('setSyncRunStatus').map((i) => [i.status, i.holdOutcome])).toEqual([
      ['waiting_approval', undefined],
      ['running', 'timed_out'],
    ]);
    expect(stubs.names()).not.toContain('cleanUpUsers');
    expect(stubs.names().slice(-3)).toEqual(['applyFieldSettings', 'updateCards', 'finishSyncRun']);
    expect(stubs.inputsOf('finishSyncRun')[0]).toMatchObject({ status: 'completed' });
  });

  it('when a run held by the threshold is canceled, then its record ends canceled and nothing after the plan runs', async () => {
    const stubs = stubActivities(exceedsThreshold);
    await withStubbedWorker(env, stubs.activities, async (taskQueue) => {
      const handle = await start(taskQueue, { full: true });
      await progressWhen(handle, (p) => p.status === 'waiting_approval');
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    });
    expect(stubs.names()).toEqual([
      'beginSyncRun',
      'chooseSyncType',
      'fetchMembers',
      'planCleanUp',
      'setSyncRunStatus',
      'finishSyncRun',
    ]);
    expect(stubs.inputsOf('finishSyncRun')[0]).toMatchObject({ status: 'canceled', error: null });
  });

  it('when an activity fails with a non-retryable code, then the run ends failed with that code and message, without a retry', async () => {
    const message = 'grant GroupMember.Read.All to the app, then sync again';
    const stubs: StubbedActivities = stubActivities({
      fetchMembers: async () => {
        throw ApplicationFailure.nonRetryable(message, 'missing_permission');
      },
    });
    const failure = await withStubbedWorker(env, stubs.activities, async (taskQueue) =>
      (await start(taskQueue, { full: true })).result().catch((err: unknown) => err),
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'missing_permission', message, nonRetryable: true });
    expect(stubs.inputsOf('fetchMembers')).toHaveLength(1);
    expect(stubs.inputsOf('finishSyncRun')).toEqual([
      expect.objectContaining({ status: 'failed', error: { code: 'missing_permission', message } }),
    ]);
    expect(stubs.names()).not.toContain('planCleanUp');
  });
  it('when an activity throws a retryable failure of a code a retry cannot fix, then the proxy does not retry it', async () => {
    const message = 'grant GroupMember.Read.All to the app, then sync again';
    const stubs = stubActivities({
      fetchMembers: async () => {
        throw ApplicationFailure.retryable(message, 'missing_permission');
      },
    });
    await withStubbedWorker(env, stubs.activities, async (taskQueue) =>
      (await start(taskQueue, { full: true })).result().catch(() => undefined),
    );
    expect(stubs.inputsOf('fetchMembers')).toHaveLength(1);
    expect(stubs.inputsOf('finishSyncRun')[0]).toMatchObject({
      status: 'failed',
      error: { code: 'missing_permission' },
    });
  });
});
