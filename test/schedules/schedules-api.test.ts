import type { TypedSearchAttributes } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, startScheduleTest, type ScheduleTestStack } from './support';

/** Schedules through the API, checked against Temporal itself; no worker needed (nothing fires). */
describe('schedules API', () => {
  let stack: ScheduleTestStack;
  let ws: { id: string; apiKey: string };
  let groupId: string;

  beforeAll(async () => {
    stack = await startScheduleTest({ worker: false });
    ws = await stack.createWorkspace();
    const group = await stack.db
      .insertInto('groups')
      .values({
        workspaceId: ws.id,
        entraGroupId: crypto.randomUUID(),
        name: 'Sales',
        syncOptions: JSON.stringify({}),
        cardTemplate: JSON.stringify({ fields: [], company: {} }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    groupId = group.id;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when a cron schedule is created, then Temporal describes it with that cron, time zone, action and search attributes', async () => {
    const res = await as(stack.app, ws.apiKey).post(`/v1/groups/${groupId}/schedules`, {
      cron: '0 7 * * 1-5',
      timezone: 'Europe/Berlin',
      note: 'weekday mornings',
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/schedules/${res.body.id}`);
    expect(res.body).toMatchObject({
      scope: 'group',
      groupId,
      spec: { cron: '0 7 * * 1-5' },
      timezone: 'Europe/Berlin',
      note: 'weekday mornings',
      paused: false,
      done: false,
      missing: false,
    });
    expect(res.body.nextRunTimes.length).toBeGreaterThan(0);
    // 07:00 in Berlin is 06:00 UTC in winter and 05:00 UTC in summer, on a weekday.
    for (const t of res.body.nextRunTimes.map((s: string) => new Date(s))) {
      expect([5, 6]).toContain(t.getUTCHours());
      expect([1, 2, 3, 4, 5]).toContain(t.getUTCDay());
    }

    const described = await stack.temporal.schedule.getHandle(res.body.temporalScheduleId).describe();
    expect(described.spec.timezone).toBe('Europe/Berlin');
    expect(described.spec.calendars).toEqual([
      expect.objectContaining({
        hour: [{ start: 7, end: 7, step: 1 }],
        minute: [{ start: 0, end: 0, step: 1 }],
        dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }],
      }),
    ]);
    expect(described.policies.overlap).toBe('SKIP');
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'groupSyncWorkflow',
      workflowId: `group-sync-${groupId}`,
      taskQueue: stack.taskQueue,
      args: [{ workspaceId: ws.id, groupId, trigger: 'schedule' }],
    });
    const sa = described.action.typedSearchAttributes as TypedSearchAttributes | undefined;
    expect(sa?.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['WorkspaceId', ws.id],
        ['GroupId', groupId],
        ['SyncKind', 'group'],
        ['SyncTrigger', 'schedule'],
      ]),
    );
  });

  it('when a weekly preset is created, then it is a calendar on that day and time in the zone', async () => {
    const res = await as(stack.app, ws.apiKey).post(`/v1/groups/${groupId}/schedules`, {
      preset: { every: 'weekly', day: 'monday', time: '06:45' },
      timezone: 'America/New_York',
    });
    expect(res.status).toBe(201);
    expect(res.body.spec).toEqual({ preset: { every: 'weekly', day: 'monday', time: '06:45' } });
    const described = await stack.temporal.schedule.getHandle(res.body.temporalScheduleId).describe();
    expect(described.spec.timezone).toBe('America/New_York');
    expect(described.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 6, end: 6, step: 1 }],
      minute: [{ start: 45, end: 45, step: 1 }],
      dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }],
    });
    for (const t of res.body.nextRunTimes) expect(new Date(t).getUTCDay()).toBe(1);
  });

  it('when a one-off is created, then it is one calendar second with one action allowed, and its next run is that instant', async () => {
    const res = await as(stack.app, ws.apiKey).post(`/v1/groups/${groupId}/schedules`, {
      at: '2031-06-15T08:30:00',
      timezone: 'Asia/Tokyo',
      note: 'two hours before the summit',
    });
    expect(res.status).toBe(201);
    expect(res.body.nextRunTimes).toEqual(['2031-06-14T23:30:00.000Z']);
    const described = await stack.temporal.schedule.getHandle(res.body.temporalScheduleId).describe();
    expect(described.state.remainingActions).toBe(1);
    expect(described.spec.calendars?.[0]).toMatchObject({
      year: [{ start: 2031, end: 2031, step: 1 }],
      month: [{ start: 'JUNE', end: 'JUNE', step: 1 }],
    });
  });

  it('when a schedule is paused and unpaused through the API, then Temporal shows each state', async () => {
    const api = as(stack.app, ws.apiKey);
    const created = await api.post(`/v1/groups/${groupId}/schedules`, {
      preset: { every: 'daily', time: '05:00' },
      timezone: 'UTC',
    });
    const handle = stack.temporal.schedule.getHandle(created.body.temporalScheduleId);

    const paused = await api.post(`/v1/schedules/${created.body.id}/pause`, { reason: 'office closed' });
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'office closed' });

    const unpaused = await api.post(`/v1/schedules/${created.body.id}/unpause`);
    expect(unpaused.status).toBe(200);
    expect(unpaused.body.paused).toBe(false);
    expect((await handle.describe()).state.paused).toBe(false);
  });

  it('when schedules are listed, then the group shows its own with next run times, and the workspace list can filter by scope', async () => {
    const api = as(stack.app, ws.apiKey);
    const workspaceWide = await api.post('/v1/schedules', {
      scope: 'workspace',
      cron: '30 2 * * *',
      timezone: 'UTC',
    });
    expect(workspaceWide.status).toBe(201);
    expect(workspaceWide.body).toMatchObject({ scope: 'workspace', groupId: null });
    const described = await stack.temporal.schedule
      .getHandle(workspaceWide.body.temporalScheduleId)
      .describe();
    expect(described.action).toMatchObject({
      workflowType: 'workspaceSyncWorkflow',
      workflowId: `workspace-sync-${ws.id}`,
      args: [{ workspaceId: ws.id, trigger: 'schedule' }],
    });

    const groupList = await api.get(`/v1/groups/${groupId}/schedules`);
    expect(groupList.status).toBe(200);
    expect(groupList.body.items.length).toBeGreaterThanOrEqual(3);
    expect(groupList.body.items.every((s: { groupId: string }) => s.groupId === groupId)).toBe(true);
    expect(groupList.body.items.map((s: { id: string }) => s.id)).not.toContain(workspaceWide.body.id);

    const onlyWorkspace = await api.get('/v1/schedules?scope=workspace');
    expect(onlyWorkspace.body.items.map((s: { id: string }) => s.id)).toEqual([workspaceWide.body.id]);

    const paged = await api.get('/v1/schedules?limit=2');
    expect(paged.body.items).toHaveLength(2);
    const next = await api.get(`/v1/schedules?limit=2&cursor=${paged.body.nextCursor}`);
    expect(next.body.items.length).toBeGreaterThan(0);
    expect(next.body.items[0].id > paged.body.items[1].id).toBe(true);
  });

  it('when a schedule is deleted through the API, then Temporal no longer has it and the API answers 404', async () => {
    const api = as(stack.app, ws.apiKey);
    const created = await api.post(`/v1/groups/${groupId}/schedules`, {
      cron: '0 12 * * *',
      timezone: 'UTC',
    });
    expect((await api.delete(`/v1/schedules/${created.body.id}`)).status).toBe(204);
    await expect(
      stack.temporal.schedule.getHandle(created.body.temporalScheduleId).describe(),
    ).rejects.toThrow(/not found/i);
    expect((await api.get(`/v1/schedules/${created.body.id}`)).status).toBe(404);
    expect((await api.delete(`/v1/schedules/${created.body.id}`)).status).toBe(404);
  });

  it("when another workspace uses a schedule's id, then every schedule route answers 404", async () => {
    const created = await as(stack.app, ws.apiKey).post(`/v1/groups/${groupId}/schedules`, {
      cron: '0 9 * * *',
      timezone: 'UTC',
    });
    const other = as(stack.app, (await stack.createWorkspace()).apiKey);
    for (const res of [
      await other.get(`/v1/schedules/${created.body.id}`),
      await other.post(`/v1/schedules/${created.body.id}/pause`),
      await other.post(`/v1/schedules/${created.body.id}/unpause`),
      await other.post(`/v1/schedules/${created.body.id}/trigger`),
      await other.delete(`/v1/schedules/${created.body.id}`),
      await other.get(`/v1/groups/${groupId}/schedules`),
      await other.post(`/v1/groups/${groupId}/schedules`, { cron: '0 9 * * *', timezone: 'UTC' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(
      (await stack.temporal.schedule.getHandle(created.body.temporalScheduleId).describe()).state.paused,
    ).toBe(false);
  });

  describe('validation', () => {
    const post = (body: object) => as(stack.app, ws.apiKey).post(`/v1/groups/${groupId}/schedules`, body);
    const errorsOf = (res: { body: { errors?: Array<{ path: string; message: string }> } }) =>
      res.body.errors ?? [];

    it('when the cron expression is bad, then 400 names the cron field and what is wrong', async () => {
      const res = await post({ cron: '61 7 * * *', timezone: 'UTC' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(errorsOf(res)).toEqual([
        { path: 'body.cron', message: expect.stringMatching(/minute field "61".*0-59/) },
      ]);
      expect(res.body.detail).toMatch(/body\.cron/);

      const fields = await post({ cron: '0 7 * *', timezone: 'UTC' });
      expect(errorsOf(fields)[0]).toMatchObject({
        path: 'body.cron',
        message: expect.stringMatching(/5 fields/),
      });
      const both = await post({ cron: '0 7 1 * MON', timezone: 'UTC' });
      expect(errorsOf(both)[0]!.message).toMatch(/not both/);
      const quartz = await post({ cron: '0 7 L * *', timezone: 'UTC' });
      expect(errorsOf(quartz)[0]!.message).toMatch(/day-of-month field "L"/);
    });

    it('when the time zone is not an IANA zone, then 400 names the timezone field and the bad value', async () => {
      const res = await post({ cron: '0 7 * * *', timezone: 'Mars/Olympus_Mons' });
      expect(res.status).toBe(400);
      expect(errorsOf(res)).toEqual([
        {
          path: 'body.timezone',
          message: expect.stringContaining('"Mars/Olympus_Mons" is not an IANA time zone'),
        },
      ]);
      const offset = await post({ cron: '0 7 * * *', timezone: '+02:00' });
      expect(errorsOf(offset)[0]!.path).toBe('body.timezone');
    });

    it('when a time zone is given in another case, then it is stored in its canonical IANA form', async () => {
      const res = await post({ cron: '0 7 * * *', timezone: 'europe/paris' });
      expect(res.status).toBe(201);
      expect(res.body.timezone).toBe('Europe/Paris');
    });

    it('when `at` is in the past or skipped by daylight saving time, then 400 says so', async () => {
      const past = await post({ at: '2020-01-01T08:00:00', timezone: 'UTC' });
      expect(errorsOf(past)).toEqual([{ path: 'body.at', message: expect.stringMatching(/in the past/) }]);
      const gap = await post({ at: '2031-03-30T02:30:00', timezone: 'Europe/Berlin' });
      expect(errorsOf(gap)[0]).toMatchObject({
        path: 'body.at',
        message: expect.stringMatching(/daylight saving/),
      });
      const notADate = await post({ at: '2031-02-30T08:00', timezone: 'UTC' });
      expect(errorsOf(notADate)[0]!.path).toBe('body.at');
    });

    it('when none or two of preset, cron and at are given, then 400 asks for exactly one', async () => {
      expect(errorsOf(await post({ timezone: 'UTC' }))[0]!.message).toMatch(/one of preset, cron or at/);
      expect(
        errorsOf(await post({ cron: '0 7 * * *', at: '2031-01-01T08:00', timezone: 'UTC' }))[0]!.message,
      ).toMatch(/exactly one/);
      const badPreset = await post({
        preset: { every: 'weekly', day: 'funday', time: '25:00' },
        timezone: 'UTC',
      });
      expect(errorsOf(badPreset).map((e) => e.path)).toEqual(
        expect.arrayContaining(['body.preset.day', 'body.preset.time']),
      );
      expect((await post({ cron: '0 7 * * *' })).status).toBe(400);
    });

    it('when a schedule is refused, then no record and no Temporal Schedule is left behind', async () => {
      const before = await stack.db
        .selectFrom('schedules')
        .select('id')
        .where('workspaceId', '=', ws.id)
        .execute();
      await post({ cron: '99 * * * *', timezone: 'UTC' });
      const after = await stack.db
        .selectFrom('schedules')
        .select('id')
        .where('workspaceId', '=', ws.id)
        .execute();
      expect(after).toHaveLength(before.length);
    });
  });
});
