import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDb, testTemporalClient, startTestWorker, type RunningTestWorker } from './helpers/stack';

describe('the test stack', () => {
  const db = testDb();
  let worker: RunningTestWorker;
  let temporal: Awaited<ReturnType<typeof testTemporalClient>>;

  beforeAll(async () => {
    temporal = await testTemporalClient();
    worker = await startTestWorker({ activities: {} });
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
    await db.destroy();
  });

  it('when the global setup ran, then Postgres is migrated', async () => {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(rows.map((r) => r.name)).toContain('2026_11_27_0001_initial');
  });

  it('when a workflow is started, then a real worker on the dev server runs it', async () => {
    const result = await temporal.client.workflow.execute('pingWorkflow', {
      taskQueue: worker.taskQueue,
      workflowId: `ping-${Date.now()}`,
      args: ['hello'],
    });
    expect(result).toBe('pong: hello');
  });

  it('when the dev server started, then our search attributes are registered', async () => {
    const response = await temporal.client.connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    expect(Object.keys(response.customAttributes ?? {})).toEqual(
      expect.arrayContaining(['WorkspaceId', 'GroupId', 'SyncKind', 'SyncTrigger']),
    );
  });
});
