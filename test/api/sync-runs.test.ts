import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, expectProblem, startApiTest, type ApiTestContext } from './support';

describe('sync runs', () => {
  let t: ApiTestContext;
  let api: ReturnType<typeof as>;
  let workspaceId: string;
  beforeAll(async () => {
    t = await startApiTest();
    const ws = await t.createWorkspace();
    workspaceId = ws.id;
    api = as(t.app, ws.apiKey);
  });
  afterAll(async () => t?.close());

  /** A finished run as the worker would leave it; started_at microseconds apart to test the cursor. */
  const insertRun = async (
    fields: {
      kind?: 'group' | 'recipient' | 'import';
      status?: 'completed' | 'failed';
      startedAt?: string;
      groupId?: string;
    } = {},
  ) => {
    const row = await t.db
      .insertInto('syncRuns')
      .values({
        workspaceId,
        kind: fields.kind ?? 'import',
        trigger: 'schedule',
        status: fields.status ?? 'completed',
        phase: 'done',
        groupId: fields.groupId ?? null,
        params: '{}',
        counts: JSON.stringify({ recipientsCreated: 3, skipped: 1 }),
        checkpoint: '{}',
        error:
          fields.status === 'failed'
            ? JSON.stringify({ code: 'invalid_credentials', message: 'fix the secret' })
            : null,
        workflowId: `test-${randomUUID()}`,
        temporalRunId: null,
        startedAt: fields.startedAt,
        finishedAt: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };

  it('when a run is read, then it has every count, the error and a Temporal UI link', async () => {
    const id = await insertRun({ status: 'failed' });
    const res = await api.get(`/v1/sync-runs/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      kind: 'import',
      status: 'failed',
      phase: 'done',
      trigger: 'schedule',
      error: { code: 'invalid_credentials', message: 'fix the secret' },
      finishedAt: expect.any(String),
    });
    expect(res.body.counts).toEqual({
      membersFetched: 0,
      recipientsCreated: 3,
      recipientsUpdated: 0,
      recipientsUnchanged: 0,
      recipientsDeactivated: 0,
      recipientsDeleted: 0,
      recipientsReactivated: 0,
      cardsCreated: 0,
      cardsUpdated: 0,
      cardsUnchanged: 0,
      cardsDeactivated: 0,
      skipped: 1,
    });
    expect(res.body.temporalUiUrl).toBe(
      `http://temporal-ui.test/namespaces/default/workflows/${res.body.workflowId}`,
    );
  });

  it('when runs started within the same millisecond are paged, then the cursor loses none of them', async () => {
    const group = await api.post('/v1/groups', { entraGroupId: randomUUID(), name: 'paging' });
    const base = '2026-11-27 10:00:00.123';
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++)
      ids.push(await insertRun({ kind: 'group', groupId: group.body.id, startedAt: `${base}${i}00+00` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.get(
        `/v1/sync-runs?groupId=${group.body.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((r: { id: string }) => r.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('when runs are filtered by status and kind, then only those come back', async () => {
    const failed = await insertRun({ status: 'failed', kind: 'recipient' });
    const res = await api.get('/v1/sync-runs?status=failed&kind=recipient');
    expect(res.body.items.map((r: { id: string }) => r.id)).toEqual([failed]);
    const byTrigger = await api.get('/v1/sync-runs?trigger=workspace');
    expect(byTrigger.body.items).toEqual([]);
  });

  it("when a run's changes are paged, then they come in order with their reasons", async () => {
    const id = await insertRun();
    await t.db
      .insertInto('recipientChanges')
      .values(
        Array.from({ length: 5 }, (_, i) => ({
          workspaceId,
          syncRunId: id,
          entraUserId: `user-${i}`,
          action: i === 4 ? 'skipped' : 'created',
          reason: i === 4 ? 'no email (mail and userPrincipalName empty)' : null,
          source: 'sync' as const,
        })),
      )
      .execute();
    const first = await api.get(`/v1/sync-runs/${id}/changes?limit=3`);
    expect(first.body.items.map((c: { entraUserId: string }) => c.entraUserId)).toEqual([
      'user-0',
      'user-1',
      'user-2',
    ]);
    const second = await api.get(`/v1/sync-runs/${id}/changes?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((c: { entraUserId: string }) => c.entraUserId)).toEqual([
      'user-3',
      'user-4',
    ]);
    expect(second.body.items[1]).toMatchObject({
      action: 'skipped',
      reason: expect.stringContaining('no email'),
      source: 'sync',
    });
    expect(second.body.nextCursor).toBeNull();
  });

  it('when a finished run is approved or canceled, then both answer 409', async () => {
    const id = await insertRun();
    expectProblem(await api.post(`/v1/sync-runs/${id}/approve`), 409);
    expectProblem(await api.post(`/v1/sync-runs/${id}/cancel`), 409);
  });

  it('when a running run is approved, then 409 because it is not waiting; once waiting, the approve signal reaches the workflow', async () => {
    const group = await api.post('/v1/groups', { entraGroupId: randomUUID(), name: 'approve' });
    const started = await api.post(`/v1/groups/${group.body.id}/sync`);
    expect(started.status).toBe(202);
    expectProblem(await api.post(`/v1/sync-runs/${started.body.syncRunId}/approve`), 409);

    await t.db
      .updateTable('syncRuns')
      .set({ status: 'waiting_approval' })
      .where('id', '=', started.body.syncRunId)
      .execute();
    const approved = await api.post(`/v1/sync-runs/${started.body.syncRunId}/approve`);
    expect(approved.status, approved.text).toBe(202);
    expect(approved.body.id).toBe(started.body.syncRunId);
    const history = await t.temporal.workflow.getHandle(started.body.workflowId).fetchHistory();
    const signal = history.events?.find((e) => e.workflowExecutionSignaledEventAttributes);
    expect(signal?.workflowExecutionSignaledEventAttributes?.signalName).toBe('approve');
  });

  it('when a waiting run has no workflow in Temporal, then approve answers 409 and the record names no approver', async () => {
    const row = await t.db
      .insertInto('syncRuns')
      .values({
        workspaceId,
        kind: 'group',
        trigger: 'api',
        status: 'waiting_approval',
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
        hold: JSON.stringify({
          reason: 'over',
          threshold: { maxCount: 1, maxPercent: null },
          wouldDeactivate: 2,
          wouldDelete: 0,
          wouldRemoveFromGroup: 0,
          outcome: null,
        }),
        workflowId: `gone-${randomUUID()}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expectProblem(await api.post(`/v1/sync-runs/${row.id}/approve`), 409);
    const run = await api.get(`/v1/sync-runs/${row.id}`);
    expect(run.body).toMatchObject({ approvedBy: null, hold: { wouldDeactivate: 2, outcome: null } });
  });

  it('when the run record says running but Temporal has no such workflow, then cancel closes the record', async () => {
    const row = await t.db
      .insertInto('syncRuns')
      .values({
        workspaceId,
        kind: 'import',
        trigger: 'api',
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
        workflowId: `gone-${randomUUID()}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await api.post(`/v1/sync-runs/${row.id}/cancel`);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('canceled');
  });
});
