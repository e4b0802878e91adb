import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../helpers/stack';
import { linkGroup, testActivities, testEncryptionKey } from './helpers/sync-fixture';

interface Tenant {
  workspaceId: string;
  groupId: string;
  recipientId: string;
  syncRunId: string;
}

describe('activities keep to the workspace in their input', () => {
  const db = testDb();
  const activities = testActivities(db, testEncryptionKey());
  let mine: Tenant;
  let theirs: Tenant;

  async function tenant(): Promise<Tenant> {
    const { id: workspaceId } = await db
      .insertInto('workspaces')
      .values({ name: `scope ${randomUUID()}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const groupId = await linkGroup(db, workspaceId, randomUUID());
    const { id: recipientId } = await db
      .insertInto('recipients')
      .values({ workspaceId, entraUserId: randomUUID(), email: `${randomUUID()}@scope.example` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const syncRunId = randomUUID();
    await db
      .insertInto('syncRuns')
      .values({
        id: syncRunId,
        workspaceId,
        kind: 'group',
        trigger: 'api',
        groupId,
        workflowId: `scope-${syncRunId}`,
      })
      .execute();
    return { workspaceId, groupId, recipientId, syncRunId };
  }

  beforeAll(async () => {
    mine = await tenant();
    theirs = await tenant();
  });
  afterAll(async () => db.destroy());

  /** Runs an activity the way a worker would and returns what it threw. */
  async function failureOf(run: () => Promise<unknown>): Promise<ApplicationFailure> {
    const err = await new MockActivityEnvironment().run(run).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }

  async function expectRefused(run: () => Promise<unknown>, named: string): Promise<void> {
    const failure = await failureOf(run);
    expect(failure.type).toBe('invalid_input');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(named);
  }

  const theirRun = async () =>
    db.selectFrom('syncRuns').selectAll().where('id', '=', theirs.syncRunId).executeTakeFirstOrThrow();

  it("when beginSyncRun is given another workspace's run id, then it fails invalid_input and leaves that run as it was", async () => {
    const before = await theirRun();
    await expectRefused(
      () =>
        activities.beginSyncRun({
          id: theirs.syncRunId,
          workspaceId: mine.workspaceId,
          kind: 'group',
          trigger: 'schedule',
          workflowId: 'hijack',
          temporalRunId: 'hijack-run',
          groupId: mine.groupId,
        }),
      `sync run ${theirs.syncRunId}`,
    );
    expect(await theirRun()).toEqual(before);
  });

  it("when beginSyncRun is given another workspace's group or parent run, then no run is written", async () => {
    const id = randomUUID();
    const begin = (fields: { groupId?: string; parentRunId?: string }) =>
      activities.beginSyncRun({
        id,
        workspaceId: mine.workspaceId,
        kind: 'group',
        trigger: 'schedule',
        workflowId: `scope-${id}`,
        temporalRunId: 'r',
        ...fields,
      });
    await expectRefused(() => begin({ groupId: theirs.groupId }), `group ${theirs.groupId}`);
    await expectRefused(
      () => begin({ groupId: mine.groupId, parentRunId: theirs.syncRunId }),
      `sync run ${theirs.syncRunId}`,
    );
    expect(await db.selectFrom('syncRuns').select('id').where('id', '=', id).execute()).toEqual([]);
  });

  it("when finishSyncRun, setSyncRunStatus or finishWorkspaceRun name another workspace's run, then it stays running", async () => {
    await expectRefused(
      () =>
        activities.finishSyncRun({
          syncRunId: theirs.syncRunId,
          workspaceId: mine.workspaceId,
          status: 'failed',
        }),
      theirs.syncRunId,
    );
    await expectRefused(
      () =>
        activities.setSyncRunStatus({
          syncRunId: theirs.syncRunId,
          workspaceId: mine.workspaceId,
          status: 'waiting_approval',
        }),
      theirs.syncRunId,
    );
    await expectRefused(
      () =>
        activities.finishWorkspaceRun({
          syncRunId: theirs.syncRunId,
          workspaceId: mine.workspaceId,
          children: [],
          canceled: true,
        }),
      theirs.syncRunId,
    );
    expect(await theirRun()).toMatchObject({ status: 'running', finishedAt: null });
  });

  it("when a per-run activity mixes its own run with another workspace's recipient or group, then it fails before any write", async () => {
    const phase = async () =>
      (
        await db
          .selectFrom('syncRuns')
          .select('phase')
          .where('id', '=', mine.syncRunId)
          .executeTakeFirstOrThrow()
      ).phase;
    const before = await phase();
    const scope = { syncRunId: mine.syncRunId, workspaceId: mine.workspaceId };
    await expectRefused(
      () => activities.fetchRecipientUser({ ...scope, recipientId: theirs.recipientId }),
      `recipient ${theirs.recipientId}`,
    );
    await expectRefused(
      () => activities.updateCards({ ...scope, recipientId: theirs.recipientId }),
      `recipient ${theirs.recipientId}`,
    );
    await expectRefused(
      () => activities.cleanUpUsers({ ...scope, groupId: theirs.groupId }),
      `group ${theirs.groupId}`,
    );
    await expectRefused(
      () => activities.chooseSyncType({ ...scope, groupId: theirs.groupId, full: true }),
      `group ${theirs.groupId}`,
    );
    // Its own recipient with another workspace's run: the run is the foreign id.
    await expectRefused(
      () =>
        activities.fetchRecipientUser({
          syncRunId: theirs.syncRunId,
          workspaceId: mine.workspaceId,
          recipientId: mine.recipientId,
        }),
      `sync run ${theirs.syncRunId}`,
    );
    expect(await phase()).toBe(before);
  });

  it('when an id is not a UUID, then the activity fails invalid_input instead of a database error retried forever', async () => {
    await expectRefused(
      () => activities.fetchUsersByIds({ syncRunId: 'not-a-uuid', workspaceId: mine.workspaceId }),
      'not-a-uuid',
    );
  });

  it('when every id is of the workspace in the input, then the activity runs', async () => {
    const id = randomUUID();
    const groupId = await linkGroup(db, mine.workspaceId, randomUUID());
    const begun = await new MockActivityEnvironment().run(() =>
      activities.beginSyncRun({
        id,
        workspaceId: mine.workspaceId,
        kind: 'group',
        trigger: 'schedule',
        workflowId: `scope-${id}`,
        temporalRunId: 'r',
        groupId,
      }),
    );
    expect(begun).toEqual({ started: true, groupName: 'linked group' });
    await new MockActivityEnvironment().run(() =>
      activities.finishSyncRun({ syncRunId: id, workspaceId: mine.workspaceId, status: 'canceled' }),
    );
    const run = await db
      .selectFrom('syncRuns')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('canceled');
  });

  it('when the operator disabled the workspace, then its syncs fail workspace_disabled at the next activity, and the run can still be ended', async () => {
    const off = await tenant();
    await db
      .updateTable('workspaces')
      .set({ disabledAt: new Date() })
      .where('id', '=', off.workspaceId)
      .execute();
    const failure = await failureOf(() =>
      activities.chooseSyncType({
        syncRunId: off.syncRunId,
        workspaceId: off.workspaceId,
        groupId: off.groupId,
        full: true,
      }),
    );
    expect(failure.type).toBe('workspace_disabled');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('disabled by the operator');
    const id = randomUUID();
    const begin = await failureOf(() =>
      activities.beginSyncRun({
        id,
        workspaceId: off.workspaceId,
        kind: 'group',
        trigger: 'schedule',
        workflowId: `scope-${id}`,
        temporalRunId: 'r',
        groupId: off.groupId,
      }),
    );
    expect(begin.type).toBe('workspace_disabled');
    expect(await db.selectFrom('syncRuns').select('id').where('id', '=', id).execute()).toEqual([]);

    await new MockActivityEnvironment().run(() =>
      activities.finishSyncRun({
        syncRunId: off.syncRunId,
        workspaceId: off.workspaceId,
        status: 'failed',
        error: { code: 'workspace_disabled', message: 'disabled' },
      }),
    );
    const run = await db
      .selectFrom('syncRuns')
      .select('status')
      .where('id', '=', off.syncRunId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
  });
});
