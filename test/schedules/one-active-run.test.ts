import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActiveRunConflict, ONE_ACTIVE_GROUP_RUN } from '../../db/active-run-constraints';
import { as, startScheduleTest, type ScheduleTestStack } from './support';

/** Migration 2026_11_27_0003: one unfinished run per group (and per workspace), whoever started it. */
describe('one active run per group', () => {
  let stack: ScheduleTestStack;
  let ws: { id: string; apiKey: string };
  let groupId: string;

  const insertRun = (
    status: 'running' | 'waiting_approval' | 'completed',
    trigger: 'api' | 'schedule' = 'schedule',
  ) =>
    stack.db
      .insertInto('syncRuns')
      .values({
        workspaceId: ws.id,
        kind: 'group',
        trigger,
        status,
        groupId,
        workflowId: `group-sync-${groupId}-x`,
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    stack = await startScheduleTest({ worker: false });
    ws = await stack.createWorkspace();
    const group = await stack.db
      .insertInto('groups')
      .values({
        workspaceId: ws.id,
        entraGroupId: crypto.randomUUID(),
        name: 'Ops',
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

  it('when a group has an unfinished run, then a second one cannot be written, but finished ones never block', async () => {
    await insertRun('completed');
    await insertRun('completed');
    const going = await insertRun('waiting_approval');
    const err = await insertRun('running').catch((e: unknown) => e);
    expect(isActiveRunConflict(err)).toBe(true);
    expect((err as { constraint: string }).constraint).toBe(ONE_ACTIVE_GROUP_RUN);
    await stack.db
      .updateTable('syncRuns')
      .set({ status: 'completed', finishedAt: new Date() })
      .where('id', '=', going.id)
      .execute();
    await expect(insertRun('running')).resolves.toBeDefined();
    await stack.db
      .updateTable('syncRuns')
      .set({ status: 'completed', finishedAt: new Date() })
      .where('groupId', '=', groupId)
      .execute();
  });

  it("when a Schedule-started run of the group is going, then the API's group sync answers 409 with that run's id", async () => {
    const going = await insertRun('running', 'schedule');
    try {
      const res = await as(stack.app, ws.apiKey).post(`/v1/groups/${groupId}/sync`);
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.syncRunId).toBe(going.id);
    } finally {
      await stack.db
        .updateTable('syncRuns')
        .set({ status: 'completed', finishedAt: new Date() })
        .where('id', '=', going.id)
        .execute();
    }
  });
});
