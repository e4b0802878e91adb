import { describe, expect, it } from 'vitest';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import type { SyncOptions } from '../../domain/sync-options';
import { cardOf, changesOfRun, recipientByEntraId } from './helpers/snapshot';
import { createWorkspace, linkGroup, setGroupOptions, syncGroup } from './helpers/sync-fixture';

describe('sync options', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  /** A synced group of four clean users; `user` is the first of them. */
  async function syncedTeam(options: Partial<SyncOptions> = {}) {
    const ws = await createWorkspace(db, key, {
      seed: 11,
      users: 4,
      traits: CLEAN,
      groups: [{ displayName: 'Team', users: 'all' }],
    });
    const entraGroupId = ws.tenant.groups[0]!.id;
    const groupId = await linkGroup(db, ws.id, entraGroupId, { syncOptions: options });
    const sync = (opts: { full?: boolean } = {}) =>
      syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, opts);
    await sync();
    const [first] = await ws.control.listUsers({ limit: 1 });
    const user = first!.id;
    const recipient = async () => (await recipientByEntraId(db, ws.id, user))!;
    const card = async () => (await cardOf(db, (await recipient()).id, groupId))!;
    const isMember = async () =>
      !!(await db
        .selectFrom('groupMemberships')
        .select('recipientId')
        .where('groupId', '=', groupId)
        .where('recipientId', '=', (await recipient()).id)
        .executeTakeFirst());
    return { ws, entraGroupId, groupId, sync, user, recipient, card, isMember };
  }

  describe('disabled users', () => {
    it('when a member is disabled and the group deactivates, then the recipient and card are deactivated; enabled again, both come back', async () => {
      const t = await syncedTeam({ disabledUsers: 'deactivate' });
      await t.ws.control.disableUser(t.user);
      const run = await t.sync();
      expect(run.counts).toMatchObject({ recipientsDeactivated: 1, cardsDeactivated: 1 });
      expect(await t.recipient()).toMatchObject({
        status: 'deactivated',
        statusReason: 'entra_disabled',
        accountEnabled: false,
      });
      expect(await t.card()).toMatchObject({ status: 'deactivated', version: 2 });
      expect(await t.isMember()).toBe(true);
      expect((await changesOfRun(db, run.id)).find((c) => c.action === 'deactivated')).toMatchObject({
        reason: 'account disabled in Entra ID',
      });

      await t.ws.control.enableUser(t.user);
      const back = await t.sync();
      expect(back.counts).toMatchObject({ recipientsReactivated: 1, cardsUpdated: 1 });
      expect(await t.recipient()).toMatchObject({ status: 'active', statusReason: null });
      expect(await t.card()).toMatchObject({ status: 'active', version: 3 });
    });

    it('when a member is disabled and the group keeps disabled users, then the recipient stays active', async () => {
      const t = await syncedTeam({ disabledUsers: 'keep' });
      await t.ws.control.disableUser(t.user);
      const run = await t.sync();
      expect(run.counts.recipientsDeactivated ?? 0).toBe(0);
      expect(await t.recipient()).toMatchObject({ status: 'active', accountEnabled: false });
      expect(await t.card()).toMatchObject({ status: 'active', version: 1 });
    });

    it('when a member is disabled and the group deletes, then the recipient is deleted and leaves the group', async () => {
      const t = await syncedTeam({ disabledUsers: 'delete' });
      await t.ws.control.disableUser(t.user);
      const run = await t.sync();
      expect(run.counts).toMatchObject({ recipientsDeleted: 1, cardsDeactivated: 1 });
      expect(await t.recipient()).toMatchObject({ status: 'deleted' });
      expect(await t.isMember()).toBe(false);
      expect(await t.card()).toMatchObject({ status: 'deactivated' });
    });

    it('when a new member is disabled, then it is skipped with that reason unless the group keeps disabled users', async () => {
      const t = await syncedTeam({ disabledUsers: 'deactivate' });
      const newcomer = await t.ws.control.createUser({
        props: { displayName: 'Dora Disabled', accountEnabled: false },
      });
      await t.ws.control.addMember(t.entraGroupId, newcomer.id);
      const run = await t.sync();
      expect(run.counts).toMatchObject({ skipped: 1 });
      expect(await recipientByEntraId(db, t.ws.id, newcomer.id)).toBeUndefined();
      expect((await changesOfRun(db, run.id)).find((c) => c.action === 'skipped')).toMatchObject({
        entraUserId: newcomer.id,
        reason: expect.stringContaining('disabled'),
      });

      await setGroupOptions(db, t.groupId, { disabledUsers: 'keep' });
      await t.sync();
      expect(await recipientByEntraId(db, t.ws.id, newcomer.id)).toMatchObject({
        status: 'active',
        accountEnabled: false,
      });
    });
  });

  describe('users removed from the group', () => {
    it('when the option is remove_from_group, then the membership ends and the card is deactivated, the recipient stays active', async () => {
      const t = await syncedTeam({ removedUsers: 'remove_from_group' });
      await t.ws.control.removeMember(t.entraGroupId, t.user);
      const run = await t.sync({ full: true });
      expect(run.counts).toMatchObject({ membersFetched: 3, cardsDeactivated: 1 });
      expect(await t.isMember()).toBe(false);
      expect(await t.recipient()).toMatchObject({ status: 'active' });
      expect(await t.card()).toMatchObject({ status: 'deactivated' });
      expect((await changesOfRun(db, run.id)).find((c) => c.action === 'removed_from_group')).toMatchObject({
        entraUserId: t.user,
      });

      await t.ws.control.addMember(t.entraGroupId, t.user);
      await t.sync();
      expect(await t.isMember()).toBe(true);
      expect(await t.card()).toMatchObject({ status: 'active', version: 3 });
    });

    it('when the option is deactivate, then the recipient is deactivated and leaves the group', async () => {
      const t = await syncedTeam({ removedUsers: 'deactivate' });
      await t.ws.control.removeMember(t.entraGroupId, t.user);
      const run = await t.sync();
      expect(run.counts).toMatchObject({ recipientsDeactivated: 1, cardsDeactivated: 1 });
      expect(await t.recipient()).toMatchObject({ status: 'deactivated', statusReason: 'entra_removed' });
      expect(await t.isMember()).toBe(false);
    });

    it('when the option is delete, then the recipient is deleted', async () => {
      const t = await syncedTeam({ removedUsers: 'delete' });
      await t.ws.control.removeMember(t.entraGroupId, t.user);
      expect((await t.sync()).counts).toMatchObject({ recipientsDeleted: 1 });
      expect(await t.recipient()).toMatchObject({ status: 'deleted' });
    });

    it('when the option is keep, then membership and card stay', async () => {
      const t = await syncedTeam({ removedUsers: 'keep' });
      await t.ws.control.removeMember(t.entraGroupId, t.user);
      const run = await t.sync();
      expect(run.counts.cardsDeactivated ?? 0).toBe(0);
      expect(await t.isMember()).toBe(true);
      expect(await t.card()).toMatchObject({ status: 'active', version: 1 });
    });
  });

  describe('users deleted from the directory', () => {
    it('when a member is deleted in Entra and the option is deactivate, then the recipient is deactivated; restored, it comes back', async () => {
      const t = await syncedTeam({ deletedUsers: 'deactivate' });
      await t.ws.control.deleteUser(t.user);
      const run = await t.sync();
      expect(run.counts).toMatchObject({ recipientsDeactivated: 1, cardsDeactivated: 1 });
      expect(await t.recipient()).toMatchObject({ status: 'deactivated', statusReason: 'entra_deleted' });
      expect((await changesOfRun(db, run.id)).find((c) => c.action === 'deactivated')).toMatchObject({
        reason: 'deleted from the Entra ID directory',
      });

      await t.ws.control.restoreUser(t.user);
      expect((await t.sync()).counts).toMatchObject({ recipientsReactivated: 1 });
      expect(await t.recipient()).toMatchObject({ status: 'active' });
      expect(await t.card()).toMatchObject({ status: 'active' });
    });

    it('when a member is deleted in Entra and the option is delete, then the recipient is deleted', async () => {
      const t = await syncedTeam({ deletedUsers: 'delete', removedUsers: 'keep' });
      await t.ws.control.deleteUser(t.user, { hard: true });
      expect((await t.sync()).counts).toMatchObject({ recipientsDeleted: 1 });
      expect(await t.recipient()).toMatchObject({ status: 'deleted', statusReason: 'entra_deleted' });
      expect(await t.isMember()).toBe(false);
    });
  });

  describe('guests, emails, nesting', () => {
    it('when guests are excluded, then a guest member is skipped with that reason; included, it is imported', async () => {
      const t = await syncedTeam({ includeGuests: false });
      const guest = await t.ws.control.createUser({
        props: { displayName: 'Gus Guest', userType: 'Guest', mail: 'gus@fabrikam.example' },
      });
      await t.ws.control.addMember(t.entraGroupId, guest.id);
      const run = await t.sync({ full: true });
      expect(run.counts).toMatchObject({ membersFetched: 5, skipped: 1 });
      expect(run.counts.recipientsCreated ?? 0).toBe(0);
      expect((await changesOfRun(db, run.id)).find((c) => c.action === 'skipped')).toMatchObject({
        entraUserId: guest.id,
        reason: expect.stringContaining('guest'),
      });

      await setGroupOptions(db, t.groupId, { includeGuests: true });
      expect((await t.sync()).counts).toMatchObject({ recipientsCreated: 1 });
      expect(await recipientByEntraId(db, t.ws.id, guest.id)).toMatchObject({
        email: 'gus@fabrikam.example',
        userType: 'Guest',
      });
    });

    it('when a member has neither mail nor userPrincipalName, then it is skipped with that reason; mail-less users use the UPN', async () => {
      const t = await syncedTeam();
      const noEmail = await t.ws.control.createUser({ props: { displayName: 'Nemo' } });
      await t.ws.control.updateUser(noEmail.id, { mail: null, userPrincipalName: null });
      const upnOnly = await t.ws.control.createUser({ props: { displayName: 'Uma Upn' } });
      await t.ws.control.updateUser(upnOnly.id, { mail: null });
      await t.ws.control.addMembers(t.entraGroupId, [noEmail.id, upnOnly.id]);
      const run = await t.sync();
      expect(run.counts).toMatchObject({ skipped: 1, recipientsCreated: 1 });
      expect((await changesOfRun(db, run.id)).find((c) => c.action === 'skipped')).toMatchObject({
        entraUserId: noEmail.id,
        reason: expect.stringContaining('no email'),
      });
      expect(await recipientByEntraId(db, t.ws.id, upnOnly.id)).toMatchObject({
        email: upnOnly.userPrincipalName,
      });
    });

    it('when nested groups are included, then members of nested groups are synced too; otherwise only direct members', async () => {
      const ws = await createWorkspace(db, key, {
        seed: 5,
        users: 5,
        traits: CLEAN,
        groups: [
          { displayName: 'Parent', users: 2, nestedGroups: ['Child'] },
          { displayName: 'Child', users: 3, userOffset: 2 },
        ],
      });
      const parent = ws.tenant.groups.find((g) => g.displayName === 'Parent')!;
      const direct = await linkGroup(db, ws.id, parent.id, { syncOptions: { includeNestedGroups: false } });
      expect(
        (await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, direct)).counts,
      ).toMatchObject({
        membersFetched: 2,
        recipientsCreated: 2,
      });
      await setGroupOptions(db, direct, { includeNestedGroups: true });
      expect(
        (await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, direct)).counts,
      ).toMatchObject({
        membersFetched: 5,
        recipientsCreated: 3,
      });
    });

    it('when a manual recipient has the same email (other case), then the first import links it instead of duplicating it', async () => {
      const ws = await createWorkspace(db, key, {
        seed: 13,
        users: 2,
        traits: CLEAN,
        groups: [{ displayName: 'Team', users: 'all' }],
      });
      const [u] = await ws.control.listUsers({ limit: 1 });
      const manual = await db
        .insertInto('recipients')
        .values({
          workspaceId: ws.id,
          email: String(u!.mail).toUpperCase(),
          jobTitle: 'Typed by hand',
          customFields: '{}',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const groupId = await linkGroup(db, ws.id, ws.tenant.groups[0]!.id);
      const run = await syncGroup(db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
      expect(run.counts).toMatchObject({ recipientsCreated: 1, recipientsUpdated: 1 });
      const linked = (await recipientByEntraId(db, ws.id, u!.id))!;
      expect(linked.id).toBe(manual.id);
      expect(
        await db.selectFrom('recipients').select('id').where('workspaceId', '=', ws.id).execute(),
      ).toHaveLength(2);
      expect((await changesOfRun(db, run.id)).find((c) => c.field === 'entraUserId')).toMatchObject({
        recipientId: manual.id,
        newValue: u!.id,
        reason: 'linked to Entra ID by email',
      });
    });

    it('when the group is renamed in Entra, then the sync refreshes its name and description', async () => {
      const t = await syncedTeam();
      await t.ws.control.updateGroup(t.entraGroupId, {
        displayName: 'Team Renamed',
        description: 'new words',
      });
      await t.sync();
      expect(
        await db
          .selectFrom('groups')
          .select(['name', 'description'])
          .where('id', '=', t.groupId)
          .executeTakeFirst(),
      ).toEqual({
        name: 'Team Renamed',
        description: 'new words',
      });
    });
  });
});
