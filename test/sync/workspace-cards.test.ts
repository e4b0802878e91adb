import { describe, expect, it } from 'vitest';
import { createWorkspaceCard } from '../../engine/cards-now';
import { setWorkspaceCardTemplate } from '../../db/repositories/workspace-card-template';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { cardOf, recipientByEntraId } from './helpers/snapshot';
import {
  createWorkspace,
  linkGroup,
  runRecord,
  startImport,
  startRecipientSync,
  syncGroup,
} from './helpers/sync-fixture';

describe('workspace cards under sync', () => {
  const stack = useSyncStack();
  const { db, key } = stack;
  const workspaceCardOf = (recipientId: string) =>
    db
      .selectFrom('cards')
      .selectAll()
      .where('recipientId', '=', recipientId)
      .where('groupId', 'is', null)
      .execute();

  it('when users are imported with createCards, then each gets one workspace card of the template; importing again adds none', async () => {
    const ws = await createWorkspace(db, key, { seed: 51, users: 4, traits: CLEAN });
    await setWorkspaceCardTemplate(db, ws.id, {
      fields: ['displayName', 'email'],
      company: { brand: 'Contoso' },
    });
    const ids = (await ws.control.listUsers({ limit: 3 })).map((u) => u.id);
    const importIds = async () => {
      const started = await startImport(db, stack.temporal.client, stack.worker.taskQueue, ws.id, ids, {
        createCards: true,
      });
      await started.result();
      return runRecord(db, started.syncRunId);
    };
    const first = await importIds();
    expect(first).toMatchObject({ status: 'completed', counts: { recipientsCreated: 3, cardsCreated: 3 } });
    for (const id of ids) {
      const r = (await recipientByEntraId(db, ws.id, id))!;
      const cards = await workspaceCardOf(r.id);
      expect(cards).toMatchObject([
        {
          status: 'active',
          version: 1,
          content: { recipient: { email: r.email }, company: { brand: 'Contoso' } },
        },
      ]);
    }
    const events = await db
      .selectFrom('cardEvents')
      .select('type')
      .where('syncRunId', '=', first.id)
      .execute();
    expect(events.map((e) => e.type)).toEqual(['card.created', 'card.created', 'card.created']);

    const again = await importIds();
    expect(again.counts).toMatchObject({ cardsUnchanged: 3 });
    expect(again.counts.cardsCreated ?? 0).toBe(0);
    const all = await db.selectFrom('cards').select('id').where('workspaceId', '=', ws.id).execute();
    expect(all).toHaveLength(3);
  });

  it('when an import has no createCards, then no card is made; importing the same people with it gives them cards', async () => {
    const ws = await createWorkspace(db, key, { seed: 52, users: 2, traits: CLEAN });
    const ids = (await ws.control.listUsers({ limit: 2 })).map((u) => u.id);
    const plain = await startImport(db, stack.temporal.client, stack.worker.taskQueue, ws.id, ids);
    await plain.result();
    const cards = () => db.selectFrom('cards').select('groupId').where('workspaceId', '=', ws.id).execute();
    expect(await cards()).toEqual([]);

    const withCards = await startImport(db, stack.temporal.client, stack.worker.taskQueue, ws.id, ids, {
      createCards: true,
    });
    await withCards.result();
    expect((await runRecord(db, withCards.syncRunId)).counts).toMatchObject({
      recipientsUnchanged: 2,
      cardsCreated: 2,
    });
    expect(await cards()).toEqual([{ groupId: null }, { groupId: null }]);
  });

  it('when a recipient sync runs in mode cards, then the workspace card is rendered again with the group card', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 53,
      users: 2,
      traits: CLEAN,
      groups: [{ displayName: 'Team', users: 'all' }],
    });
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const [u] = await ws.control.listUsers({ limit: 1 });
    const r = (await recipientByEntraId(db, ws.id, u!.id))!;
    expect(await createWorkspaceCard(db, ws.id, r.id)).toHaveProperty('created');
    await db.updateTable('recipients').set({ displayName: 'Renamed' }).where('id', '=', r.id).execute();

    const started = await startRecipientSync(
      db,
      stack.temporal.client,
      stack.worker.taskQueue,
      ws.id,
      r.id,
      'cards',
    );
    await started.result();
    const run = await runRecord(db, started.syncRunId);
    expect(run.counts).toMatchObject({ cardsUpdated: 2 });
    expect(await workspaceCardOf(r.id)).toMatchObject([
      { version: 2, content: { recipient: { displayName: 'Renamed' } } },
    ]);
    expect(await cardOf(db, r.id, groupId)).toMatchObject({
      version: 2,
      content: { recipient: { displayName: 'Renamed' } },
    });
  });

  it('when a group sync changes a member who has a workspace card, then that card follows too', async () => {
    const ws = await createWorkspace(db, key, {
      seed: 54,
      users: 3,
      traits: CLEAN,
      groups: [{ displayName: 'Team', users: 'all' }],
    });
    const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
    await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    const [u] = await ws.control.listUsers({ limit: 1 });
    const r = (await recipientByEntraId(db, ws.id, u!.id))!;
    await createWorkspaceCard(db, ws.id, r.id);
    await ws.control.updateUser(u!.id, { jobTitle: 'Navigator' });
    const run = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, {
      full: true,
    });
    expect(run.counts).toMatchObject({ cardsUpdated: 2 });
    expect(await workspaceCardOf(r.id)).toMatchObject([
      { version: 2, content: { recipient: { jobTitle: 'Navigator' } } },
    ]);
  });
});
