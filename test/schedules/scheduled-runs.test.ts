import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  createTenant,
  eventually,
  linkTenant,
  localAt,
  runsOf,
  startScheduleTest,
  type ScheduleTestStack,
} from './support';

/** Schedules that fire, on a real worker syncing from an emulated tenant. */
describe('scheduled group syncs', () => {
  let stack: ScheduleTestStack;
  let ws: { id: string; apiKey: string };
  let groupIds: string[];

  beforeAll(async () => {
    stack = await startScheduleTest({ worker: true });
    ws = await stack.createWorkspace();
    groupIds = await linkTenant(stack.app, ws.apiKey, await createTenant([3, 4]));
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a schedule is triggered through the API, then a group sync runs to completion with trigger schedule', async () => {
    const api = as(stack.app, ws.apiKey);
    const groupId = groupIds[0]!;
    // Paused and far in the future: only the trigger can start it.
    const created = await api.post(`/v1/groups/${groupId}/schedules`, {
      preset: { every: 'daily', time: '03:00' },
      timezone: 'UTC',
    });
    await api.post(`/v1/schedules/${created.body.id}/pause`);

    const triggered = await api.post(`/v1/schedules/${created.body.id}/trigger`);
    expect(triggered.status).toBe(202);

    const run = await eventually(
      async () =>
        (await runsOf(stack.db, ws.id, { groupId, trigger: 'schedule' })).find(
          (r) => r.status === 'completed',
        ),
      45_000,
      'a completed scheduled run',
    );
    expect(run).toMatchObject({ kind: 'group', trigger: 'schedule', groupId, parentRunId: null });
    expect(run.workflowId).toMatch(new RegExp(`^group-sync-${groupId}-`));
    expect(Number(run.counts.membersFetched)).toBeGreaterThan(0);

    // Like any other run, it is in the runs list with its trigger.
    const listed = await api.get(`/v1/sync-runs?groupId=${groupId}&trigger=schedule`);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toContain(run.id);
    const listedRun = listed.body.items.find((r: { id: string }) => r.id === run.id);
    expect(listedRun.startedBy).toEqual({ type: 'schedule', id: created.body.id });
    const described = await stack.temporal.schedule.getHandle(created.body.temporalScheduleId).describe();
    expect(described.info.recentActions).toHaveLength(1);
    expect(described.info.recentActions[0]!.action.workflow.workflowId).toBe(run.workflowId);
    const execution = await stack.temporal.workflow.getHandle(run.workflowId).describe();
    expect(execution.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['WorkspaceId', ws.id],
        ['GroupId', groupId],
        ['SyncKind', 'group'],
        ['SyncTrigger', 'schedule'],
      ]),
    );
  });

  it('when a one-off schedule is set a few seconds ahead, then it fires exactly once and then shows as done', async () => {
    const api = as(stack.app, ws.apiKey);
    const groupId = groupIds[1]!;
    const created = await api.post(`/v1/groups/${groupId}/schedules`, {
      at: localAt('Europe/Berlin', 4),
      timezone: 'Europe/Berlin',
    });
    expect(created.status).toBe(201);
    expect(created.body.done).toBe(false);
    expect(created.body.nextRunTimes).toHaveLength(1);

    await eventually(
      async () =>
        (await runsOf(stack.db, ws.id, { groupId, trigger: 'schedule' })).find(
          (r) => r.status === 'completed',
        ),
      45_000,
      'the one-off run',
    );
    // Give a wrongly repeating schedule the chance to fire again.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await runsOf(stack.db, ws.id, { groupId, trigger: 'schedule' })).toHaveLength(1);

    const shown = await api.get(`/v1/schedules/${created.body.id}`);
    expect(shown.body).toMatchObject({ done: true, nextRunTimes: [] });
    expect(shown.body.recentRuns).toHaveLength(1);
    const described = await stack.temporal.schedule.getHandle(created.body.temporalScheduleId).describe();
    expect(described.info.numActionsTaken).toBe(1);
    expect(described.state.remainingActions).toBe(0);
  });

  it("when a schedule is triggered while the group's sync runs, then 409 names the running run", async () => {
    const api = as(stack.app, ws.apiKey);
    const groupId = groupIds[0]!;
    const created = await api.post(`/v1/groups/${groupId}/schedules`, { cron: '0 4 * * *', timezone: 'UTC' });
    const running = await stack.db
      .insertInto('syncRuns')
      .values({
        workspaceId: ws.id,
        kind: 'group',
        trigger: 'api',
        groupId,
        workflowId: 'placeholder',
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const res = await api.post(`/v1/schedules/${created.body.id}/trigger`);
      expect(res.status).toBe(409);
      expect(res.body.syncRunId).toBe(running.id);
    } finally {
      await stack.db.deleteFrom('syncRuns').where('id', '=', running.id).execute();
    }
  });

  it('when a Schedule starts a group sync while that group has a run going, then it ends skipped and writes no run', async () => {
    const groupId = groupIds[1]!;
    const going = await stack.db
      .insertInto('syncRuns')
      .values({
        workspaceId: ws.id,
        kind: 'group',
        trigger: 'api',
        groupId,
        workflowId: 'placeholder',
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const before = await runsOf(stack.db, ws.id, { groupId });
      // Exactly what a Schedule's action starts (the workflow id's time suffix is Temporal's).
      const result = await stack.temporal.workflow.execute('groupSyncWorkflow', {
        taskQueue: stack.taskQueue,
        workflowId: `group-sync-${groupId}-2026-11-27T07:00:00Z`,
        args: [{ workspaceId: ws.id, groupId, trigger: 'schedule' }],
      });
      expect(result).toMatchObject({ status: 'skipped', runningSyncRunId: going.id });
      expect(await runsOf(stack.db, ws.id, { groupId })).toHaveLength(before.length);
    } finally {
      await stack.db.deleteFrom('syncRuns').where('id', '=', going.id).execute();
    }
  });
});
