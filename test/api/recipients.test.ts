import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, expectProblem, startApiTest, type ApiTestContext } from './support';

describe('recipients', () => {
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

  const create = async (body: object = {}) => {
    const res = await api.post('/v1/recipients', {
      email: `${randomUUID().slice(0, 8)}@example.com`,
      ...body,
    });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  const setConnection = () =>
    api.put('/v1/entra-connection', {
      tenantId: randomUUID(),
      clientId: randomUUID(),
      clientSecret: 'not-used-here',
    });

  it('when a manual recipient is created, then it answers 201 with the recipient shape and no Entra link', async () => {
    const res = await api.post('/v1/recipients', {
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      customFields: { linkedin: 'https://linkedin.example/ada' },
      lockedFields: ['jobTitle'],
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/recipients/${res.body.id}`);
    expect(res.body).toMatchObject({
      entraUserId: null,
      status: 'active',
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      jobTitle: null,
      customFields: { linkedin: 'https://linkedin.example/ada' },
      lockedFields: ['jobTitle'],
      groupIds: [],
      photo: null,
    });
    expect((await api.get(`/v1/recipients/${res.body.id}`)).body).toEqual(res.body);
  });

  it('when a second recipient uses the same email in another case, then it answers 409', async () => {
    await create({ email: 'dup@example.com' });
    const res = await api.post('/v1/recipients', { email: 'DUP@example.com' });
    expectProblem(res, 409);
    expect(res.body.detail).toContain('DUP@example.com');
  });

  it('when a recipient is edited by hand, then each changed field is recorded once with source manual', async () => {
    const r = await create({ firstName: 'Grace', jobTitle: 'Engineer' });
    const res = await api.patch(`/v1/recipients/${r.id}`, {
      firstName: 'Grace',
      jobTitle: 'Rear Admiral',
      department: 'Navy',
      customFields: { team: 'COBOL' },
      lockedFields: ['jobTitle', 'department'],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      jobTitle: 'Rear Admiral',
      department: 'Navy',
      customFields: { team: 'COBOL' },
    });
    expect(res.body.lockedFields.sort()).toEqual(['department', 'jobTitle']);

    const changes = await api.get(`/v1/recipients/${r.id}/changes`);
    const updates = changes.body.items.filter((c: { action: string }) => c.action === 'updated');
    expect(
      updates.map(
        (c: { field: string; oldValue: string | null; newValue: string | null; source: string }) => [
          c.field,
          c.oldValue,
          c.newValue,
          c.source,
        ],
      ),
    ).toEqual([
      ['jobTitle', 'Engineer', 'Rear Admiral', 'manual'],
      ['department', null, 'Navy', 'manual'],
      ['custom.team', null, 'COBOL', 'manual'],
      ['lockedFields', '', 'department,jobTitle', 'manual'],
    ]);
    // Nothing changed: nothing recorded.
    await api.patch(`/v1/recipients/${r.id}`, { jobTitle: 'Rear Admiral' });
    expect((await api.get(`/v1/recipients/${r.id}/changes`)).body.items).toHaveLength(
      changes.body.items.length,
    );
  });

  it('when a custom field is set to null, then the key is removed', async () => {
    const r = await create({ customFields: { a: '1', b: '2' } });
    const res = await api.patch(`/v1/recipients/${r.id}`, { customFields: { a: null } });
    expect(res.body.customFields).toEqual({ b: '2' });
  });

  it('when the email is changed to one in use, then it answers 409 and nothing changes', async () => {
    const a = await create();
    const b = await create();
    expectProblem(await api.patch(`/v1/recipients/${b.id}`, { email: a.email, firstName: 'X' }), 409);
    expect((await api.get(`/v1/recipients/${b.id}`)).body.firstName).toBeNull();
  });

  it('when recipients are filtered by text, status and group, then only matches come back', async () => {
    const marker = randomUUID().slice(0, 8);
    const a = await create({ displayName: `Zed ${marker}` });
    const b = await create({ lastName: `O'Neil_${marker}` });
    await t.db.updateTable('recipients').set({ status: 'deactivated' }).where('id', '=', b.id).execute();
    const group = await api.post('/v1/groups', { entraGroupId: randomUUID(), name: 'G' });
    await t.db.insertInto('groupMemberships').values({ groupId: group.body.id, recipientId: a.id }).execute();

    const byText = await api.get(`/v1/recipients?q=${marker}`);
    expect(byText.body.items.map((r: { id: string }) => r.id).sort()).toEqual([a.id, b.id].sort());
    const likeChars = await api.get(`/v1/recipients?q=${encodeURIComponent(`_${marker}`)}`);
    expect(likeChars.body.items.map((r: { id: string }) => r.id)).toEqual([b.id]);
    const byStatus = await api.get(`/v1/recipients?q=${marker}&status=deactivated`);
    expect(byStatus.body.items.map((r: { id: string }) => r.id)).toEqual([b.id]);
    const byGroup = await api.get(`/v1/recipients?groupId=${group.body.id}`);
    expect(byGroup.body.items.map((r: { id: string; groupIds: string[] }) => [r.id, r.groupIds])).toEqual([
      [a.id, [group.body.id]],
    ]);
  });

  it('when recipients are paged, then every one is seen once and the last page has a null cursor', async () => {
    for (let i = 0; i < 5; i++) await create();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.get(`/v1/recipients?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((r: { id: string }) => r.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    const total = await t.db
      .selectFrom('recipients')
      .select('id')
      .where('workspaceId', '=', workspaceId)
      .execute();
    expect(seen).toHaveLength(total.length);
    expect(new Set(seen)).toEqual(new Set(total.map((r) => r.id)));
  });

  it('when info or full sync is asked for a recipient without an Entra link, then it answers 409', async () => {
    const r = await create();
    for (const mode of ['info', 'full']) {
      const res = await api.post(`/v1/recipients/${r.id}/sync`, { mode });
      expectProblem(res, 409);
      expect(res.body.code).toBe('not_linked');
    }
  });

  it('when a cards sync starts for a manual recipient, then it answers 202 and a second start answers 409 with the run', async () => {
    const r = await create();
    const res = await api.post(`/v1/recipients/${r.id}/sync`, { mode: 'cards' });
    expect(res.status, res.text).toBe(202);
    expect(res.body.workflowId).toBe(`recipient-sync-${r.id}`);
    expect(res.headers.location).toBe(`/v1/sync-runs/${res.body.syncRunId}`);
    const run = await api.get(res.headers.location);
    expect(run.body).toMatchObject({
      kind: 'recipient',
      mode: 'cards',
      recipientId: r.id,
      status: 'running',
    });
    const description = await t.temporal.workflow.getHandle(res.body.workflowId).describe();
    expect(description.type).toBe('recipientSyncWorkflow');

    const again = await api.post(`/v1/recipients/${r.id}/sync`, { mode: 'cards' });
    expectProblem(again, 409);
    expect(again.body.syncRunId).toBe(res.body.syncRunId);
  });

  it('when an info sync starts for a linked recipient, then the workflow gets the mode and the run records it', async () => {
    await setConnection();
    const r = await create();
    await t.db.updateTable('recipients').set({ entraUserId: randomUUID() }).where('id', '=', r.id).execute();
    const res = await api.post(`/v1/recipients/${r.id}/sync`, { mode: 'info' });
    expect(res.status, res.text).toBe(202);
    const history = await t.temporal.workflow.getHandle(res.body.workflowId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = JSON.parse(Buffer.from(started!.input!.payloads![0]!.data!).toString());
    expect(input).toEqual({
      workspaceId,
      syncRunId: res.body.syncRunId,
      trigger: 'api',
      recipientId: r.id,
      mode: 'info',
      // the key that started it (the run record shows it as startedBy)
      startedBy: { type: 'apiKey', id: expect.any(String) },
    });
  });

  it('when users are imported, then it answers 202, stores the ids on the run and starts importUsersWorkflow', async () => {
    await setConnection();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const res = await api.post('/v1/recipients/import', { entraUserIds: [...ids, ids[0]] });
    expect(res.status, res.text).toBe(202);
    expect(res.body.workflowId).toBe(`recipient-import-${res.body.syncRunId}`);
    const row = await t.db
      .selectFrom('syncRuns')
      .selectAll()
      .where('id', '=', res.body.syncRunId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      kind: 'import',
      trigger: 'api',
      status: 'running',
      params: { entraUserIds: ids },
    });
    const description = await t.temporal.workflow.getHandle(res.body.workflowId).describe();
    expect(description.type).toBe('importUsersWorkflow');
  });

  it('when users are imported with createCards, then the run and the workflow input carry it', async () => {
    await setConnection();
    const res = await api.post('/v1/recipients/import', { entraUserIds: [randomUUID()], createCards: true });
    expect(res.status, res.text).toBe(202);
    const row = await t.db
      .selectFrom('syncRuns')
      .select('params')
      .where('id', '=', res.body.syncRunId)
      .executeTakeFirstOrThrow();
    expect(row.params).toMatchObject({ createCards: true });
    const history = await t.temporal.workflow.getHandle(res.body.workflowId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = JSON.parse(Buffer.from(started!.input!.payloads![0]!.data!).toString());
    expect(input).toMatchObject({ userCount: 1, createCards: true });
  });

  it('when users are imported without an Entra connection, then it answers 409 saying how to set one', async () => {
    const ws = await t.createWorkspace();
    const res = await as(t.app, ws.apiKey).post('/v1/recipients/import', { entraUserIds: [randomUUID()] });
    expectProblem(res, 409);
    expect(res.body.code).toBe('no_connection');
  });
});
