import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncCounts } from '../../contracts/sync-runs';
import type { SyncRunRow } from '../../db/schema';
import { createEmulatorControl } from '../../emulator/control-client';
import { groupSyncWorkflowId } from '../../contracts/workflows';
import { inject } from 'vitest';
import {
  as,
  createTenant,
  eventually,
  linkTenant,
  runsOf,
  startScheduleTest,
  type ScheduleTestStack,
} from './support';

const finished = (r: SyncRunRow | undefined) =>
  r && r.status !== 'running' && r.status !== 'waiting_approval' ? r : undefined;

function sumCounts(runs: SyncRunRow[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const run of runs) for (const [k, v] of Object.entries(run.counts)) sum[k] = (sum[k] ?? 0) + Number(v);
  return sum;
}

/** Holds `group-sync-{groupId}` open in Temporal: started on a task queue no worker polls. */
async function occupyGroupWorkflowId(stack: ScheduleTestStack, groupId: string) {
  return stack.temporal.workflow.start('groupSyncWorkflow', {
    taskQueue: `nobody-${randomUUID()}`,
    workflowId: groupSyncWorkflowId(groupId),
    args: [{}],
  });
}

describe('sync-all (workspace sync)', () => {
  let stack: ScheduleTestStack;

  beforeAll(async () => {
    stack = await startScheduleTest({ worker: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('when sync-all runs over three groups while a fourth is syncing, then three child runs complete, the fourth is skipped and the parent sums the three', async () => {
    const ws = await stack.createWorkspace();
    const api = as(stack.app, ws.apiKey);
    const groupIds = await linkTenant(stack.app, ws.apiKey, await createTenant([2, 3, 4, 2]));
    const busy = await occupyGroupWorkflowId(stack, groupIds[3]!);
    try {
      const res = await api.post('/v1/groups/sync-all');
      expect(res.status).toBe(202);
      expect(res.body.workflowId).toBe(`workspace-sync-${ws.id}`);
      const parentId: string = res.body.syncRunId;

      const parent = await eventually(
        async () =>
          finished(
            await stack.db.selectFrom('syncRuns').selectAll().where('id', '=', parentId).executeTakeFirst(),
          ),
        60_000,
        'the workspace run',
      );
      const children = await stack.db
        .selectFrom('syncRuns')
        .selectAll()
        .where('parentRunId', '=', parentId)
        .execute();
      expect(children.map((c) => c.groupId).sort()).toEqual(groupIds.slice(0, 3).sort());
      // Whoever started the workspace sync started its children: the key that called sync-all.
      const startedBy = { type: 'apiKey', id: expect.any(String) };
      for (const child of children)
        expect(child).toMatchObject({ kind: 'group', trigger: 'workspace', status: 'completed', startedBy });
      expect(new Set(children.map((c) => c.startedBy?.id))).toEqual(new Set([parent.startedBy?.id]));

      expect(parent).toMatchObject({
        kind: 'workspace',
        trigger: 'api',
        status: 'completed',
        phase: 'done',
        error: null,
      });
      expect(parent.finishedAt).not.toBeNull();
      const expected = sumCounts(children);
      expect(expected.membersFetched).toBeGreaterThan(0);
      expect(parent.counts).toEqual(expected);
      expect(parent.checkpoint.groups).toMatchObject({
        groups: { total: 4, completed: 3, failed: 0, canceled: 0, skipped: 1 },
        skippedGroups: [{ groupId: groupIds[3], reason: expect.stringMatching(/already running/) }],
      });

      const shown = await api.get(`/v1/sync-runs/${parentId}`);
      expect(shown.body.counts.membersFetched).toBe(expected.membersFetched);
      const result = await stack.temporal.workflow.getHandle(parent.workflowId).result();
      expect(result).toMatchObject({ status: 'completed', skippedGroups: [{ groupId: groupIds[3] }] });
    } finally {
      await busy.terminate('test done');
    }
  });

  it('when a group has a Schedule-started run going, then sync-all skips that group too', async () => {
    const ws = await stack.createWorkspace();
    const groupIds = await linkTenant(stack.app, ws.apiKey, await createTenant([2, 2]));
    // A Schedule's run has a workflow id with a time suffix: only its run record shows it is going.
    const going = await stack.db
      .insertInto('syncRuns')
      .values({
        workspaceId: ws.id,
        kind: 'group',
        trigger: 'schedule',
        groupId: groupIds[1]!,
        workflowId: `${groupSyncWorkflowId(groupIds[1]!)}-2026-11-27T07:00:00Z`,
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const res = await as(stack.app, ws.apiKey).post('/v1/groups/sync-all', { concurrency: 1 });
    expect(res.status).toBe(202);
    const parent = await eventually(
      async () =>
        finished(
          await stack.db
            .selectFrom('syncRuns')
            .selectAll()
            .where('id', '=', res.body.syncRunId)
            .executeTakeFirst(),
        ),
      60_000,
      'the workspace run',
    );
    expect(parent.status).toBe('completed');
    expect(parent.checkpoint.groups).toMatchObject({
      groups: { total: 2, completed: 1, skipped: 1 },
      skippedGroups: [{ groupId: groupIds[1], runningSyncRunId: going.id }],
    });
    const runs = await runsOf(stack.db, ws.id, { groupId: groupIds[1] });
    expect(runs.map((r) => r.id)).toEqual([going.id]);
  });

  it('when sync-all is requested while a workspace sync runs, then 409 names the running run', async () => {
    const ws = await stack.createWorkspace();
    await linkTenant(stack.app, ws.apiKey, await createTenant([2]));
    const going = await stack.db
      .insertInto('syncRuns')
      .values({
        workspaceId: ws.id,
        kind: 'workspace',
        trigger: 'schedule',
        workflowId: `workspace-sync-${ws.id}-x`,
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await as(stack.app, ws.apiKey).post('/v1/groups/sync-all');
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.syncRunId).toBe(going.id);
    expect(await runsOf(stack.db, ws.id, { kind: 'workspace' })).toHaveLength(1);
  });

  it('when a workspace schedule is triggered, then the workspace sync and its group syncs all carry trigger schedule', async () => {
    const ws = await stack.createWorkspace();
    const api = as(stack.app, ws.apiKey);
    const groupIds = await linkTenant(stack.app, ws.apiKey, await createTenant([2, 3]));
    const created = await api.post('/v1/schedules', {
      scope: 'workspace',
      preset: { every: 'weekdays', time: '04:00' },
      timezone: 'UTC',
    });
    expect(created.status).toBe(201);
    expect((await api.post(`/v1/schedules/${created.body.id}/trigger`)).status).toBe(202);

    const parent = await eventually(
      async () => finished((await runsOf(stack.db, ws.id, { kind: 'workspace' }))[0]),
      60_000,
      'the scheduled workspace run',
    );
    expect(parent).toMatchObject({ trigger: 'schedule', status: 'completed' });
    expect(parent.workflowId).toMatch(new RegExp(`^workspace-sync-${ws.id}-`));
    const children = await stack.db
      .selectFrom('syncRuns')
      .selectAll()
      .where('parentRunId', '=', parent.id)
      .execute();
    expect(children.map((c) => c.groupId).sort()).toEqual([...groupIds].sort());
    expect(children.every((c) => c.trigger === 'schedule')).toBe(true);
    expect(parent.counts).toEqual(sumCounts(children));
  });

  it('when a workspace sync is canceled, then its running group syncs are canceled with it and the run says canceled', async () => {
    const ws = await stack.createWorkspace();
    const api = as(stack.app, ws.apiKey);
    const tenant = await createTenant([3, 3, 3]);
    await linkTenant(stack.app, ws.apiKey, tenant);
    // Slow Graph: the group syncs are still fetching when the cancel arrives.
    await createEmulatorControl(inject('emulatorUrl')).tenant(tenant.tenantId).setFaults({ latencyMs: 1500 });

    const res = await api.post('/v1/groups/sync-all', { concurrency: 2 });
    expect(res.status).toBe(202);
    const parentId: string = res.body.syncRunId;
    await eventually(
      async () =>
        (await stack.db.selectFrom('syncRuns').select('id').where('parentRunId', '=', parentId).execute())
          .length >= 2
          ? true
          : undefined,
      30_000,
      'children to start',
    );
    expect((await api.post(`/v1/sync-runs/${parentId}/cancel`)).status).toBe(202);

    const parent = await eventually(
      async () =>
        finished(
          await stack.db.selectFrom('syncRuns').selectAll().where('id', '=', parentId).executeTakeFirst(),
        ),
      60_000,
      'the canceled run',
    );
    expect(parent.status).toBe('canceled');
    const children = await eventually(async () => {
      const rows = await stack.db
        .selectFrom('syncRuns')
        .selectAll()
        .where('parentRunId', '=', parentId)
        .execute();
      return rows.every((r) => finished(r)) ? rows : undefined;
    });
    expect(children).toHaveLength(2);
    expect(children.every((c) => c.status === 'canceled')).toBe(true);
    const counts = parent.counts as Partial<SyncCounts>;
    expect(counts).toEqual(sumCounts(children));
  });
});
