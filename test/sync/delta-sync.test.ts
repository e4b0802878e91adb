import { describe, expect, it } from 'vitest';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import { encryptSecret } from '../../config/secret-box';
import type { SyncOptions } from '../../domain/sync-options';
import { DEFAULT_FIELD_SETTINGS } from '../../domain/fields';
import type { Counters, EmulatedTenant } from '../../emulator/control-client';
import { recipientByEntraId, workspaceState } from './helpers/snapshot';
import {
  createWorkspace,
  linkGroup,
  saveFieldSettings,
  setGroupOptions,
  syncGroup,
  type Workspace,
} from './helpers/sync-fixture';

/** Requests that reached Graph (token and discovery requests are MSAL's, not the sync's). */
const graphRequests = (c: Counters) =>
  c.total - (c.requests['token'] ?? 0) - (c.requests['openid-configuration'] ?? 0);

describe('delta group sync', () => {
  const stack = useSyncStack();
  const { db, key } = stack;

  /** Another workspace on the same emulated tenant: the same directory, synced on its own. */
  async function workspaceOn(tenant: EmulatedTenant): Promise<string> {
    const { id } = await db
      .insertInto('workspaces')
      .values({ name: `twin of ${tenant.tenantId}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('entraConnections')
      .values({
        workspaceId: id,
        tenantId: tenant.tenantId,
        clientId: tenant.clientId,
        clientSecretEncrypted: encryptSecret(tenant.clientSecret, key, id),
        authorityHost: tenant.authorityHost,
        graphBaseUrl: tenant.graphBaseUrl,
      })
      .execute();
    return id;
  }

  /**
   * A group synced fully in two workspaces of one tenant: `delta` will follow changes with delta
   * runs, `full` with full runs, so their states can be compared.
   */
  async function twinWorkspaces(spec: {
    users: number;
    members: number;
    options?: Partial<SyncOptions>;
    before?: (ws: Workspace) => Promise<void>;
    /** Sync the twin too (only where the test compares with it). */
    twin?: boolean;
  }) {
    const ws = await createWorkspace(db, key, {
      seed: 23,
      users: spec.users,
      traits: CLEAN,
      groups: [{ displayName: 'Field Team', users: spec.members }],
    });
    await spec.before?.(ws);
    const entraGroupId = ws.tenant.groups[0]!.id;
    const twinId = await workspaceOn(ws.tenant);
    const deltaGroup = await linkGroup(db, ws.id, entraGroupId, { syncOptions: spec.options });
    const fullGroup = await linkGroup(db, twinId, entraGroupId, { syncOptions: spec.options });
    // Photos are one request per new person in both kinds of run; they would only slow the tests.
    const settings = DEFAULT_FIELD_SETTINGS.map((s) => (s.field === 'photo' ? { ...s, sync: false } : s));
    await saveFieldSettings(db, ws.id, settings);
    await saveFieldSettings(db, twinId, settings);
    const run = async (workspaceId: string, groupId: string, full: boolean) => {
      await ws.control.resetCounters();
      const record = await syncGroup(
        db,
        stack.temporal.client,
        stack.worker.taskQueue,
        workspaceId,
        groupId,
        { full },
      );
      expect(record).toMatchObject({ status: 'completed' });
      const counters = await ws.control.counters();
      return { record, counters, requests: graphRequests(counters) };
    };
    const syncDelta = () => run(ws.id, deltaGroup, false);
    const syncFull = () => run(twinId, fullGroup, true);
    expect((await syncDelta()).record.syncType).toBe('full'); // the first run has no links yet
    if (spec.twin !== false) await syncFull();
    const group = async () =>
      db.selectFrom('groups').selectAll().where('id', '=', deltaGroup).executeTakeFirstOrThrow();
    return { ws, twinId, entraGroupId, deltaGroup, syncDelta, syncFull, group };
  }

  /** Entra ids of the people whose card versions a run wrote. */
  async function versionedBy(syncRunId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('cardVersions as v')
      .innerJoin('cards as c', 'c.id', 'v.cardId')
      .innerJoin('recipients as r', 'r.id', 'c.recipientId')
      .select('r.entraUserId')
      .where('v.syncRunId', '=', syncRunId)
      .execute();
    return rows.map((r) => r.entraUserId!).sort();
  }

  it('when one member changes a field, one leaves, one joins, one is disabled and one is deleted, then a delta run reaches the full run’s state touching only them, with far fewer Graph requests', async () => {
    const t = await twinWorkspaces({ users: 1210, members: 1200 });
    const linksBefore = await t.group();
    expect(linksBefore.membersDeltaLink).toBeTruthy();
    expect(linksBefore.usersDeltaLink).toBeTruthy();

    const [changed, leaver, disabled, deleted] = await t.ws.control.listUsers({ offset: 100, limit: 4 });
    await t.ws.control.updateUser(changed!.id, { jobTitle: 'Chief Cartographer' });
    await t.ws.control.removeMember(t.entraGroupId, leaver!.id);
    await t.ws.control.disableUser(disabled!.id);
    await t.ws.control.deleteUser(deleted!.id);
    const joiner = await t.ws.control.createUser({
      props: { displayName: 'Jo Joiner', givenName: 'Jo', surname: 'Joiner', jobTitle: 'New Hire' },
    });
    await t.ws.control.addMember(t.entraGroupId, joiner.id);

    const delta = await t.syncDelta();
    const full = await t.syncFull();

    expect(delta.record.syncType).toBe('delta');
    expect(full.record.syncType).toBe('full');
    expect(await workspaceState(db, t.ws.id)).toEqual(await workspaceState(db, t.twinId));
    expect(delta.record.counts).toEqual({
      membersFetched: 3, // changed, disabled, joiner: the only members whose data was read
      recipientsUpdated: 1,
      recipientsCreated: 1,
      // the disabled member (applied unchanged, then deactivated) and the 1,196 members it did not touch
      recipientsUnchanged: 1197,
      recipientsDeactivated: 2,
      cardsCreated: 1,
      cardsUpdated: 1,
      cardsDeactivated: 3,
    });
    // The run reads the same whichever way it fetched the group.
    expect(delta.record.memberCount).toBe(1200);
    expect(full.record.memberCount).toBe(1200);
    expect(full.record.counts.recipientsUnchanged).toBe(delta.record.counts.recipientsUnchanged);
    const touched = [changed!.id, leaver!.id, disabled!.id, deleted!.id, joiner.id].sort();
    expect(await versionedBy(delta.record.id)).toEqual(touched);
    expect(await versionedBy(full.record.id)).toEqual(touched);
    expect(full.record.counts.membersFetched).toBe(1199);
    // The delta run's requests do not grow with the group: the group, one page of each delta round.
    expect(delta.counters.requests).toMatchObject({ group: 1, 'groups.delta': 1, 'users.delta': 1 });
    expect(delta.requests).toBe(3);
    expect(full.counters.requests['members.user']).toBe(2);
    expect(delta.requests * 2).toBeLessThanOrEqual(full.requests);

    const linksAfter = await t.group();
    expect(linksAfter.membersDeltaLink).not.toBe(linksBefore.membersDeltaLink);
    expect(linksAfter.lastFullSyncAt).toEqual(linksBefore.lastFullSyncAt);
    expect(await recipientByEntraId(db, t.ws.id, joiner.id)).toMatchObject({ jobTitle: 'New Hire' });
  });

  it('when a user outside the group changes, an outsider joins and a skipped disabled member is enabled, then the delta run reads only the group’s people', async () => {
    const t = await twinWorkspaces({
      users: 12,
      members: 8,
      options: { disabledUsers: 'deactivate' },
      // A member disabled before the first sync is skipped (not created): a delta run must still hear of it.
      before: async (ws) => {
        const [, second] = await ws.control.listUsers({ limit: 2 });
        await ws.control.disableUser(second!.id);
      },
    });
    const [, hire] = await t.ws.control.listUsers({ limit: 2 });
    const [outsider, newcomer] = await t.ws.control.listUsers({ offset: 10, limit: 2 });
    expect(await recipientByEntraId(db, t.ws.id, hire!.id)).toBeUndefined();

    await t.ws.control.updateUser(outsider!.id, { jobTitle: 'Not In This Group' });
    await t.ws.control.addMember(t.entraGroupId, newcomer!.id);
    await t.ws.control.enableUser(hire!.id);
    const delta = await t.syncDelta();
    await t.syncFull();

    expect(delta.record.syncType).toBe('delta');
    expect(await recipientByEntraId(db, t.ws.id, outsider!.id)).toBeUndefined();
    expect(await recipientByEntraId(db, t.ws.id, hire!.id)).toMatchObject({ status: 'active' });
    expect(await recipientByEntraId(db, t.ws.id, newcomer!.id)).toMatchObject({ status: 'active' });
    expect(delta.record.counts).toMatchObject({ membersFetched: 2, recipientsCreated: 2, cardsCreated: 2 });
    // The newcomer's user object did not change, so users/delta did not carry it: one $batch lookup.
    expect(delta.counters.requests['batch']).toBe(1);
    expect(await workspaceState(db, t.ws.id)).toEqual(await workspaceState(db, t.twinId));
  });

  it('when the stored delta links have expired, then the run falls back to a full read, completes and leaves new links', async () => {
    const t = await twinWorkspaces({ users: 6, members: 6, twin: false });
    const [changed] = await t.ws.control.listUsers({ limit: 1 });
    await t.ws.control.updateUser(changed!.id, { jobTitle: 'Expired Link Survivor' });
    const linksBefore = await t.group();
    await t.ws.control.expireDeltaTokens();

    const { record } = await t.syncDelta();
    expect(record.syncType).toBe('full');
    expect(record.checkpoint.syncPlan).toMatchObject({ reason: 'delta_token_expired', fellBack: true });
    expect(record.counts).toMatchObject({ membersFetched: 6, recipientsUpdated: 1, cardsUpdated: 1 });
    const linksAfter = await t.group();
    expect(linksAfter.membersDeltaLink).toBeTruthy();
    expect(linksAfter.membersDeltaLink).not.toBe(linksBefore.membersDeltaLink);

    const next = await t.syncDelta();
    expect(next.record.syncType).toBe('delta');
    expect(next.record.counts.recipientsUpdated ?? 0).toBe(0);
  });

  it('when a full sync is asked for, settings changed, a week passed or nested groups are on, then the run is full', async () => {
    const t = await twinWorkspaces({ users: 4, members: 4, twin: false });
    const reason = async (full = false) => {
      const record = await syncGroup(
        db,
        stack.temporal.client,
        stack.worker.taskQueue,
        t.ws.id,
        t.deltaGroup,
        { full },
      );
      return `${record.syncType}:${(record.checkpoint.syncPlan as { reason: string }).reason}`;
    };

    expect(await reason(true)).toBe('full:requested');
    expect(await reason()).toBe('delta:changes_since_last_sync');
    await setGroupOptions(db, t.deltaGroup, { disabledUsers: 'keep' });
    expect(await reason()).toBe('full:settings_changed');
    await db
      .updateTable('groups')
      .set({ lastFullSyncAt: new Date(Date.now() - 8 * 24 * 3600 * 1000) })
      .where('id', '=', t.deltaGroup)
      .execute();
    expect(await reason()).toBe('full:full_sync_due');
    await setGroupOptions(db, t.deltaGroup, { includeNestedGroups: true });
    expect(await reason()).toBe('full:nested_groups');
    expect(await t.group()).toMatchObject({ membersDeltaLink: null, usersDeltaLink: null });
    expect(await reason()).toBe('full:nested_groups');
  });

  it('when one of twenty members leaves under a 10% threshold, then the delta run weighs it against the group, not the changes, and does not wait', async () => {
    const t = await twinWorkspaces({
      users: 20,
      members: 20,
      twin: false,
      options: { removedUsers: 'deactivate', deletionThreshold: { maxCount: null, maxPercent: 10 } },
    });
    const [leaver] = await t.ws.control.listUsers({ limit: 1 });
    await t.ws.control.removeMember(t.entraGroupId, leaver!.id);
    const { record } = await t.syncDelta();
    expect(record).toMatchObject({ syncType: 'delta', status: 'completed' });
    expect(record.counts).toMatchObject({ recipientsDeactivated: 1 });
  });
});
