import { describe, expect, it } from 'vitest';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { cardOf, changesOfRun, countRows, recipientByEntraId } from './helpers/snapshot';
import {
  createWorkspace,
  linkGroup,
  runRecord,
  saveFieldSettings,
  startGroupSync,
  syncGroup,
} from './helpers/sync-fixture';
import { encryptSecret } from '../../config/secret-box';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import { groupSyncWorkflowId } from '../../contracts/workflows';
import { progressQuery } from '../../contracts/progress';

describe('group sync', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  async function seededGroup(users = 12, extra: object = {}) {
    const ws = await createWorkspace(db, key, {
      seed: 7,
      users,
      traits: CLEAN,
      groups: [{ displayName: 'Sales', description: 'Sales team', users: 'all', nonUserMembers: 1 }],
      ...extra,
    });
    const entraGroup = ws.tenant.groups[0]!;
    const groupId = await linkGroup(db, ws.id, entraGroup.id);
    return { ws, entraGroup, groupId };
  }

  it('when a seeded group is synced, then its users become recipients, members and cards with the mapped values', async () => {
    const { ws, entraGroup, groupId } = await seededGroup();
    const run = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);

    expect(run.status).toBe('completed');
    expect(run.phase).toBe('done');
    expect(run.counts).toMatchObject({ membersFetched: 12, recipientsCreated: 12, cardsCreated: 12 });
    expect(run.counts.recipientsUpdated ?? 0).toBe(0);
    const rows = await countRows(db, ws.id);
    expect(rows).toMatchObject({ recipients: 12, memberships: 12, cards: 12, versions: 12, events: 12 });

    const [summary] = await ws.control.listUsers({ limit: 1 });
    const { props } = await ws.control.getUser(summary!.id);
    const recipient = (await recipientByEntraId(db, ws.id, summary!.id))!;
    expect(recipient).toMatchObject({
      email: props.mail,
      firstName: props.givenName,
      lastName: props.surname,
      displayName: props.displayName,
      jobTitle: props.jobTitle ?? null,
      department: props.department ?? null,
      businessPhone: (props.businessPhones as string[])[0] ?? null,
      status: 'active',
      accountEnabled: true,
    });
    const card = (await cardOf(db, recipient.id, groupId))!;
    expect(card).toMatchObject({ status: 'active', version: 1 });
    expect(card.content).toMatchObject({
      recipient: { email: props.mail, displayName: props.displayName },
      company: {},
      photo: null,
    });
    const events = await db.selectFrom('events').selectAll().where('cardId', '=', card.id).execute();
    expect(events).toMatchObject([{ type: 'card.created', cardVersion: 1, syncRunId: run.id }]);

    const group = await db
      .selectFrom('groups')
      .selectAll()
      .where('id', '=', groupId)
      .executeTakeFirstOrThrow();
    expect(group).toMatchObject({ name: entraGroup.displayName, description: 'Sales team' });
    expect(group.lastSyncedAt).not.toBeNull();
    const created = (await changesOfRun(db, run.id)).filter((c) => c.action === 'created');
    expect(created).toHaveLength(12);
    expect(
      await db
        .selectFrom('syncStagedMembers')
        .select('entraUserId')
        .where('syncRunId', '=', run.id)
        .execute(),
    ).toEqual([]);
  });

  it('when a group is synced again without changes, then nothing is updated and no card version or event is written', async () => {
    const { ws, groupId } = await seededGroup(8);
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const before = await countRows(db, ws.id);
    const again = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      full: true,
    });

    expect(again.counts).toMatchObject({ membersFetched: 8, recipientsUnchanged: 8, cardsUnchanged: 8 });
    for (const k of [
      'recipientsCreated',
      'recipientsUpdated',
      'cardsCreated',
      'cardsUpdated',
      'cardsDeactivated',
    ] as const)
      expect(again.counts[k] ?? 0).toBe(0);
    expect(await countRows(db, ws.id)).toEqual(before);
  });

  it('when one job title changes in Entra, then exactly one recipient, one card version and one card.updated event follow', async () => {
    const { ws, groupId } = await seededGroup(8);
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const [user] = await ws.control.listUsers({ limit: 1 });
    await ws.control.updateUser(user!.id, { jobTitle: 'Chief Cartographer' });
    const run = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      full: true,
    });

    expect(run.counts).toMatchObject({
      recipientsUpdated: 1,
      recipientsUnchanged: 7,
      cardsUpdated: 1,
      cardsUnchanged: 7,
    });
    const changes = await changesOfRun(db, run.id);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      action: 'updated',
      field: 'jobTitle',
      newValue: 'Chief Cartographer',
      source: 'sync',
      entraUserId: user!.id,
    });
    const events = await db
      .selectFrom('events')
      .selectAll()
      .where('syncRunId', '=', run.id)
      .where('type', 'in', ['card.created', 'card.updated', 'card.deactivated'])
      .execute();
    expect(events).toMatchObject([{ type: 'card.updated', cardVersion: 2 }]);
    expect((events[0]!.data as { recipient: { jobTitle: string } }).recipient.jobTitle).toBe(
      'Chief Cartographer',
    );
  });

  it('when two members in different chunks share an email, then however the chunks written at once meet, one gets the recipient and the other is skipped', async () => {
    // 2,500 members are three chunks, two written at once; the first and the last id are in different ones.
    const { ws, groupId } = await seededGroup(2500);
    const ids = (await ws.control.listUsers({ limit: 3000 })).map((u) => u.id).sort();
    const email = 'shared.mailbox@contoso.example';
    for (const id of [ids[0]!, ids.at(-1)!]) await ws.control.updateUser(id, { mail: email });
    const run = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);

    expect(run.status).toBe('completed');
    expect(run.counts).toMatchObject({ membersFetched: 2500, recipientsCreated: 2499, skipped: 1 });
    expect(await countRows(db, ws.id)).toMatchObject({ recipients: 2499, memberships: 2499, cards: 2499 });
    const owners = await db
      .selectFrom('recipients')
      .select('entraUserId')
      .where('workspaceId', '=', ws.id)
      .where('email', '=', email)
      .execute();
    expect(owners).toHaveLength(1);
    const skips = (await changesOfRun(db, run.id)).filter((c) => c.action === 'skipped');
    expect(skips).toHaveLength(1);
    expect(skips[0]!.reason).toContain('already used by another recipient');
    expect([ids[0], ids.at(-1)]).toContain(skips[0]!.entraUserId);
    expect(skips[0]!.entraUserId).not.toBe(owners[0]!.entraUserId);
  });

  it('when a Schedule starts the sync without a run id, then the workflow creates the run record itself', async () => {
    const { ws, groupId } = await seededGroup(3);
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      withRunRecord: false,
    });
    const result = await started.result();
    const run = await runRecord(db, result.syncRunId);
    expect(run).toMatchObject({
      kind: 'group',
      trigger: 'schedule',
      status: 'completed',
      groupId,
      workflowId: groupSyncWorkflowId(groupId),
    });
    expect(run.temporalRunId).toBe(started.handle.firstExecutionRunId);
    const desc = await started.handle.describe();
    expect(desc.memo).toMatchObject({ syncRunId: result.syncRunId, groupName: 'Sales' });
    expect(desc.typedSearchAttributes.get({ name: 'GroupId', type: 'KEYWORD' } as never)).toBe(groupId);
    const progress = await started.handle.query(progressQuery);
    expect(progress).toMatchObject({ status: 'completed', phase: 'done', counts: { recipientsCreated: 3 } });
  });

  it('when Field Settings map a custom field and keep manual values, then cards carry it and locked or non-overwriting fields survive', async () => {
    const { ws, groupId } = await seededGroup(3);
    const [u] = await ws.control.listUsers({ limit: 1 });
    await ws.control.updateUser(u!.id, {
      onPremisesExtensionAttributes: { extensionAttribute3: 'https://linkedin.example/ada' },
    });
    await saveFieldSettings(db, ws.id, [
      ...DEFAULT_FIELD_SETTINGS.filter((s) => s.field !== 'department'),
      { field: 'department', source: 'department', sync: true, overwrite: false },
      {
        field: 'custom.linkedin',
        source: 'onPremisesExtensionAttributes.extensionAttribute3',
        sync: true,
        overwrite: true,
      },
    ]);
    await db
      .updateTable('groups')
      .set({
        cardTemplate: JSON.stringify({
          fields: ['displayName', 'custom.linkedin'],
          company: { website: 'https://contoso.example' },
        }),
      })
      .where('id', '=', groupId)
      .execute();
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const recipient = (await recipientByEntraId(db, ws.id, u!.id))!;
    expect(recipient.customFields).toEqual({ linkedin: 'https://linkedin.example/ada' });
    expect((await cardOf(db, recipient.id, groupId))!.content).toEqual({
      recipient: { displayName: recipient.displayName, custom: { linkedin: 'https://linkedin.example/ada' } },
      company: { website: 'https://contoso.example' },
      photo: null,
    });

    await db
      .updateTable('recipients')
      .set({ jobTitle: 'Manual Title', department: 'Manual Dept', lockedFields: ['jobTitle'] })
      .where('id', '=', recipient.id)
      .execute();
    await ws.control.updateUser(u!.id, {
      jobTitle: 'Entra Title',
      department: 'Entra Dept',
      onPremisesExtensionAttributes: { extensionAttribute3: null },
    });
    const run = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    expect(await recipientByEntraId(db, ws.id, u!.id)).toMatchObject({
      jobTitle: 'Manual Title',
      department: 'Manual Dept',
      customFields: {},
    });
    expect((await changesOfRun(db, run.id)).map((c) => [c.field, c.oldValue, c.newValue])).toEqual([
      ['custom.linkedin', 'https://linkedin.example/ada', null],
    ]);
    expect(run.counts).toMatchObject({ recipientsUpdated: 1, cardsUpdated: 1 });
  });

  it('when the connection secret is wrong, then the run fails at once with a message that says what to do', async () => {
    const { ws, groupId } = await seededGroup(2);
    await db
      .updateTable('entraConnections')
      .set({ clientSecretEncrypted: encryptSecret('not-the-secret', key, ws.id) })
      .where('workspaceId', '=', ws.id)
      .execute();
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    await expect(started.result()).rejects.toThrow();
    const run = await runRecord(db, started.syncRunId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'invalid_credentials' });
    expect(run.error!.message.length).toBeGreaterThan(20);
  });

  it('when the linked Entra group no longer exists, then the run fails as group_not_found', async () => {
    const ws = await createWorkspace(db, key, { seed: 3, users: 2, traits: CLEAN });
    const groupId = await linkGroup(db, ws.id, '00000000-0000-4000-8000-00000000dead');
    const started = await startGroupSync(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    await expect(started.result()).rejects.toThrow();
    expect((await runRecord(db, started.syncRunId)).error).toMatchObject({ code: 'group_not_found' });
  });
});
