import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CARD_TEMPLATE } from '../../domain/card';
import { DEFAULT_SYNC_OPTIONS } from '../../domain/sync-options';
import { as, expectProblem, insertCard, startApiTest, type ApiTestContext } from './support';

describe('groups', () => {
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

  const link = async (body: object = {}) => {
    const res = await api.post('/v1/groups', { entraGroupId: randomUUID(), name: 'Sales', ...body });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };

  it('when a group is linked with some options, then they are merged over the defaults', async () => {
    const group = await link({
      syncOptions: { includeGuests: true, deletionThreshold: { maxCount: 5 } },
      cardTemplate: { company: { website: 'https://acme.example' } },
    });
    expect(group.syncOptions).toEqual({
      ...DEFAULT_SYNC_OPTIONS,
      includeGuests: true,
      deletionThreshold: { ...DEFAULT_SYNC_OPTIONS.deletionThreshold, maxCount: 5 },
    });
    expect(group.cardTemplate).toEqual({
      fields: DEFAULT_CARD_TEMPLATE.fields,
      company: { website: 'https://acme.example' },
    });
    expect(group).toMatchObject({ name: 'Sales', description: null, memberCount: 0, lastSyncedAt: null });
    const read = await api.get(`/v1/groups/${group.id}`);
    expect(read.body).toEqual(group);
  });

  it('when the same Entra group is linked twice, then the second answers 409 naming the linked group', async () => {
    const group = await link();
    const res = await api.post('/v1/groups', { entraGroupId: group.entraGroupId, name: 'again' });
    expectProblem(res, 409);
    expect(res.body.groupId).toBe(group.id);
  });

  it('when no name is given and the workspace has no Entra connection, then linking answers 409 saying to set one', async () => {
    const res = await api.post('/v1/groups', { entraGroupId: randomUUID() });
    expectProblem(res, 409);
    expect(res.body.detail).toContain('PUT /v1/entra-connection');
  });

  it('when a group is patched, then options merge, template members replace and the name changes', async () => {
    const group = await link({
      cardTemplate: { company: { website: 'https://a.example', logoUrl: 'https://a.example/l.png' } },
    });
    const res = await api.patch(`/v1/groups/${group.id}`, {
      name: 'Sales EMEA',
      syncOptions: { removedUsers: 'deactivate', deletionThreshold: { maxPercent: null } },
      cardTemplate: { fields: ['displayName', 'email', 'custom.linkedin'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Sales EMEA');
    expect(res.body.syncOptions.removedUsers).toBe('deactivate');
    expect(res.body.syncOptions.deletionThreshold).toEqual({
      maxCount: DEFAULT_SYNC_OPTIONS.deletionThreshold.maxCount,
      maxPercent: null,
    });
    expect(res.body.cardTemplate).toEqual({
      fields: ['displayName', 'email', 'custom.linkedin'],
      company: { website: 'https://a.example', logoUrl: 'https://a.example/l.png' },
    });
  });

  it('when groups are listed with a small limit, then the cursor walks every group exactly once', async () => {
    for (let i = 0; i < 3; i++) await link();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.get(`/v1/groups?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((g: { id: string }) => g.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const all = await api.get('/v1/groups?limit=200');
    expect(seen).toEqual(all.body.items.map((g: { id: string }) => g.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(all.body.nextCursor).toBeNull();
  });

  it('when a group sync starts, then it answers 202 with Location, writes the run and the workflow runs in Temporal', async () => {
    const group = await link();
    const res = await api.post(`/v1/groups/${group.id}/sync`);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ syncRunId: expect.any(String), workflowId: `group-sync-${group.id}` });
    expect(res.headers.location).toBe(`/v1/sync-runs/${res.body.syncRunId}`);

    const run = await api.get(res.headers.location);
    expect(run.body).toMatchObject({
      id: res.body.syncRunId,
      kind: 'group',
      status: 'running',
      trigger: 'api',
      groupId: group.id,
    });
    expect(run.body.temporalUiUrl).toBe(
      `http://temporal-ui.test/namespaces/default/workflows/group-sync-${group.id}/${run.body.temporalRunId}`,
    );

    const description = await t.temporal.workflow.getHandle(res.body.workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.type).toBe('groupSyncWorkflow');
    expect(description.taskQueue).toBe(t.taskQueue);
    expect(description.runId).toBe(run.body.temporalRunId);
    expect(description.memo).toMatchObject({ syncRunId: res.body.syncRunId });
    const attrs = description.typedSearchAttributes;
    expect(attrs.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['WorkspaceId', workspaceId],
        ['GroupId', group.id],
        ['SyncKind', 'group'],
        ['SyncTrigger', 'api'],
      ]),
    );
  });

  it('when a group sync is started while one runs, then it answers 409 with the running syncRunId and adds no run', async () => {
    const group = await link();
    const first = await api.post(`/v1/groups/${group.id}/sync`, { full: true });
    expect(first.status).toBe(202);
    const second = await api.post(`/v1/groups/${group.id}/sync`);
    expectProblem(second, 409);
    expect(second.body.syncRunId).toBe(first.body.syncRunId);
    const runs = await api.get(`/v1/sync-runs?groupId=${group.id}`);
    expect(runs.body.items).toHaveLength(1);
    expect(runs.body.items[0].syncType).toBe('full');
  });

  it('when the Temporal workflow stays open after its run record closed, then the start waits briefly and answers 409 naming that run', async () => {
    const group = await link();
    const first = await api.post(`/v1/groups/${group.id}/sync`);
    // Simulate a record the worker closed while Temporal still runs the workflow.
    await t.db
      .updateTable('syncRuns')
      .set({ status: 'completed', finishedAt: new Date() })
      .where('id', '=', first.body.syncRunId)
      .execute();
    const second = await api.post(`/v1/groups/${group.id}/sync`);
    expectProblem(second, 409);
    // Never null (issue 19): the open workflow's memo names the run it belongs to.
    expect(second.body.syncRunId).toBe(first.body.syncRunId);
    const runs = await t.db.selectFrom('syncRuns').select('id').where('groupId', '=', group.id).execute();
    expect(runs).toHaveLength(1);
  });

  it('when a group with a running sync is unlinked, then it answers 409; after cancel it unlinks with 204', async () => {
    const group = await link();
    const started = await api.post(`/v1/groups/${group.id}/sync`);
    const refused = await api.delete(`/v1/groups/${group.id}`);
    expectProblem(refused, 409);
    expect(refused.body.syncRunId).toBe(started.body.syncRunId);

    const cancel = await api.post(`/v1/sync-runs/${started.body.syncRunId}/cancel`);
    expect(cancel.status).toBe(202);
    const description = await t.temporal.workflow.getHandle(started.body.workflowId).describe();
    // No worker: the cancel request is recorded in history, the run closes when a worker picks it up.
    expect(['RUNNING', 'CANCELLED']).toContain(description.status.name);
    // The worker records the cancellation; stand in for it.
    await t.db
      .updateTable('syncRuns')
      .set({ status: 'canceled', finishedAt: new Date() })
      .where('id', '=', started.body.syncRunId)
      .execute();

    expect((await api.delete(`/v1/groups/${group.id}`)).status).toBe(204);
    expectProblem(await api.get(`/v1/groups/${group.id}`), 404);
    expectProblem(await api.delete(`/v1/groups/${group.id}`), 404);
  });

  it("when a group is unlinked, then its memberships, cards and versions go, its cards' events stay, and the same people's other cards stay", async () => {
    const [gone, kept] = [await link(), await link()];
    const recipient = (await api.post('/v1/recipients', { email: `unlink-${randomUUID()}@example.com` }))
      .body;
    await t.db
      .insertInto('groupMemberships')
      .values([gone, kept].map((g) => ({ groupId: g.id, recipientId: recipient.id })))
      .execute();
    const cardIds: string[] = [];
    for (const g of [gone, kept]) {
      const cardId = await insertCard(t.db, {
        workspaceId,
        recipientId: recipient.id,
        groupId: g.id,
        content: {},
      });
      await t.db
        .insertInto('events')
        .values({ workspaceId, cardId, type: 'card.created', data: JSON.stringify({ id: cardId }) })
        .execute();
      cardIds.push(cardId);
    }
    expect((await api.delete(`/v1/groups/${gone.id}`)).status).toBe(204);

    const left = async (table: 'groupMemberships' | 'cards', column: 'groupId') =>
      (await t.db.selectFrom(table).select(column).where('recipientId', '=', recipient.id).execute()).map(
        (r) => r[column],
      );
    expect(await left('groupMemberships', 'groupId')).toEqual([kept.id]);
    expect(await left('cards', 'groupId')).toEqual([kept.id]);
    const versions = await t.db
      .selectFrom('cardVersions')
      .select('cardId')
      .where('cardId', 'in', cardIds)
      .execute();
    expect(versions.map((r) => r.cardId)).toEqual([cardIds[1]]);
    // Events outlive their cards: a later delivery still owes them to its endpoints.
    const events = await t.db.selectFrom('events').select('cardId').where('cardId', 'in', cardIds).execute();
    expect(events.map((r) => r.cardId).sort()).toEqual([...cardIds].sort());
    expect((await api.get(`/v1/recipients/${recipient.id}`)).status).toBe(200);
  });
});
