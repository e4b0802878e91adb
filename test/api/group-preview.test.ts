import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as as asKey, expectProblem, startApiTest, type ApiTestContext } from './support';
import {
  as,
  createTenant,
  eventually,
  linkTenant,
  startScheduleTest,
  type ScheduleTestStack,
} from '../schedules/support';

const PREVIEW_COUNTS = [
  'wouldCreate',
  'wouldUpdate',
  'wouldReactivate',
  'wouldDeactivate',
  'wouldDelete',
  'wouldRemoveFromGroup',
  'skipped',
];

describe('POST /v1/groups/{id}/preview (no worker: runs stay running)', () => {
  let t: ApiTestContext;
  beforeAll(async () => {
    t = await startApiTest();
  });
  afterAll(async () => t?.close());

  async function linkedGroup() {
    const ws = await t.createWorkspace();
    const api = asKey(t.app, ws.apiKey);
    const res = await api.post('/v1/groups', { entraGroupId: randomUUID(), name: 'Preview Team' });
    expect(res.status).toBe(201);
    return { api, groupId: res.body.id as string };
  }

  it('when a preview is started twice, then the second answers 409 naming the first, and a sync of the group still starts beside it', async () => {
    const { api, groupId } = await linkedGroup();
    const first = await api.post(`/v1/groups/${groupId}/preview`);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ syncRunId: expect.any(String), workflowId: `group-preview-${groupId}` });
    expect(first.headers.location).toBe(`/v1/sync-runs/${first.body.syncRunId}`);

    const second = await api.post(`/v1/groups/${groupId}/preview`);
    expectProblem(second, 409);
    expect(second.body.syncRunId).toBe(first.body.syncRunId);

    const sync = await api.post(`/v1/groups/${groupId}/sync`);
    expect(sync.status).toBe(202);
    expect(sync.body.syncRunId).not.toBe(first.body.syncRunId);
    // Each kind collides with its own: a second sync names the sync, not the preview.
    const again = await api.post(`/v1/groups/${groupId}/sync`);
    expectProblem(again, 409);
    expect(again.body.syncRunId).toBe(sync.body.syncRunId);

    const run = await api.get(`/v1/sync-runs/${first.body.syncRunId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ kind: 'preview', status: 'running', groupId });
    expect(Object.keys(run.body.counts).sort()).toEqual([...PREVIEW_COUNTS].sort());
    const listed = await api.get(`/v1/sync-runs?kind=preview&groupId=${groupId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([first.body.syncRunId]);
    // A sync run's counts keep their own names.
    const syncRun = await api.get(`/v1/sync-runs/${sync.body.syncRunId}`);
    expect(syncRun.body.counts).toHaveProperty('recipientsCreated', 0);
    expect(syncRun.body.counts).not.toHaveProperty('wouldCreate');
  });

  it('when the group is not linked, then the preview answers 404', async () => {
    const { api } = await linkedGroup();
    expectProblem(await api.post(`/v1/groups/${randomUUID()}/preview`), 404);
  });
});

describe('a preview run through the API (with a worker)', () => {
  let stack: ScheduleTestStack;
  beforeAll(async () => {
    stack = await startScheduleTest({ worker: true });
  });
  afterAll(async () => stack?.close());

  it('when a new group is previewed, then the run completes with would* counts, /changes lists them as planned, and nothing was created', async () => {
    const ws = await stack.createWorkspace();
    const api = as(stack.app, ws.apiKey);
    const [groupId] = await linkTenant(stack.app, ws.apiKey, await createTenant([8]));
    const started = await api.post(`/v1/groups/${groupId}/preview`);
    expect(started.status).toBe(202);
    const runId: string = started.body.syncRunId;
    const run = await eventually(async () => {
      const res = await api.get(`/v1/sync-runs/${runId}`);
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(run).toMatchObject({ kind: 'preview', phase: 'done' });
    expect(Object.keys(run.counts).sort()).toEqual([...PREVIEW_COUNTS].sort());
    expect(run.counts.wouldCreate).toBeGreaterThan(0);

    const changes = await api.get(`/v1/sync-runs/${runId}/changes?limit=100`);
    expect(changes.status).toBe(200);
    expect(changes.body.items.length).toBeGreaterThan(0);
    expect(changes.body.items.every((c: { planned: boolean }) => c.planned === true)).toBe(true);
    const created = changes.body.items.filter((c: { action: string }) => c.action === 'created');
    expect(created).toHaveLength(run.counts.wouldCreate);
    expect((await api.get('/v1/recipients')).body.items).toEqual([]);

    // The sync afterwards does what the preview planned, and its changes are not planned.
    const sync = await api.post(`/v1/groups/${groupId}/sync`);
    expect(sync.status).toBe(202);
    const synced = await eventually(async () => {
      const res = await api.get(`/v1/sync-runs/${sync.body.syncRunId}`);
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(synced.counts).toMatchObject({
      recipientsCreated: run.counts.wouldCreate,
      recipientsUpdated: run.counts.wouldUpdate,
      recipientsDeactivated: run.counts.wouldDeactivate,
      recipientsDeleted: run.counts.wouldDelete,
      skipped: run.counts.skipped,
    });
    const done = await api.get(`/v1/sync-runs/${sync.body.syncRunId}/changes?limit=100`);
    expect(done.body.items.every((c: { planned: boolean }) => c.planned === false)).toBe(true);
  }, 120_000);
});
