import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RETENTION_SCHEDULE_ID } from '../../contracts/workflows';
import { ensureRetentionSchedule } from '../../schedules/retention-schedule';
import { useSyncStack } from './helpers/sync-stack';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('retention', () => {
  const stack = useSyncStack();
  const { db } = stack;

  afterAll(async () => {
    await stack.temporal?.client.schedule
      .getHandle(RETENTION_SCHEDULE_ID)
      .delete()
      .catch(() => undefined);
  });

  it('when the retention workflow runs, then change history, events and webhook deliveries older than the period are deleted and newer ones kept', async () => {
    const { id: workspaceId } = await db
      .insertInto('workspaces')
      .values({ name: 'retention' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const old = new Date(Date.now() - 200 * DAY_MS);
    const recent = new Date(Date.now() - 10 * DAY_MS);
    const endpoint = await db
      .insertInto('webhookEndpoints')
      .values({
        workspaceId,
        url: 'https://hooks.example.com/',
        events: ['*'],
        description: null,
        secretEncrypted: 'sealed',
        cursorXid: '0',
        status: 'disabled',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const createdAt of [old, recent]) {
      await db
        .insertInto('webhookDeliveries')
        .values({
          endpointId: endpoint.id,
          workspaceId,
          eventType: 'ping',
          orderKey: `ping:${createdAt.toISOString()}`,
          status: 'delivered',
          payload: JSON.stringify({ id: 'ping' }),
          createdAt,
        })
        .execute();
      await db
        .insertInto('recipientChanges')
        .values({
          workspaceId,
          action: 'updated',
          source: 'manual',
          reason: createdAt.toISOString(),
          createdAt,
        })
        .execute();
      await db
        .insertInto('events')
        .values({
          workspaceId,
          type: 'sync_run.completed',
          data: JSON.stringify({ at: createdAt }),
          createdAt,
        })
        .execute();
    }

    const pruned = await stack.temporal.client.workflow.execute('retentionWorkflow', {
      taskQueue: stack.worker.taskQueue,
      workflowId: `retention-${randomUUID()}`,
      args: [{ retentionDays: 180 }],
    });

    expect(pruned).toMatchObject({ changes: expect.any(Number), events: expect.any(Number) });
    expect((pruned as { changes: number }).changes).toBeGreaterThanOrEqual(1);
    const changes = await db
      .selectFrom('recipientChanges')
      .select('createdAt')
      .where('workspaceId', '=', workspaceId)
      .execute();
    const events = await db
      .selectFrom('events')
      .select('createdAt')
      .where('workspaceId', '=', workspaceId)
      .execute();
    expect(changes.map((c) => c.createdAt.getTime())).toEqual([recent.getTime()]);
    expect(events.map((e) => e.createdAt.getTime())).toEqual([recent.getTime()]);
    const deliveries = await db
      .selectFrom('webhookDeliveries')
      .select('createdAt')
      .where('endpointId', '=', endpoint.id)
      .execute();
    expect(deliveries.map((d) => d.createdAt.getTime())).toEqual([recent.getTime()]);
  });

  it('when the api ensures the retention Schedule twice, then one daily Schedule starts the workflow with the latest period', async () => {
    const { client } = stack.temporal;
    await ensureRetentionSchedule(client, { taskQueue: stack.worker.taskQueue, retentionDays: 90 });
    await ensureRetentionSchedule(client, { taskQueue: stack.worker.taskQueue, retentionDays: 120 });
    const described = await client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow' });
    expect((described.action as { args: unknown[] }).args).toEqual([{ retentionDays: 120 }]);
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }] });
  });
});
