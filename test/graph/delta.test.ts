import { describe, expect, it } from 'vitest';
import { emulatorOutbound } from '../helpers/outbound';
import { createEntraClient, type EntraClient } from '../../graph/entra-client';
import { EntraError } from '../../graph/errors';
import { PLAIN_TRAITS, freshTenant } from './support/emulator';

async function membersRound(client: EntraClient, groupId: string, link: string | null) {
  const added: string[] = [];
  const removed: string[] = [];
  let pages = 0;
  for (;;) {
    const page = await client.groupMembersDelta({ groupId, link });
    pages++;
    added.push(...page.added);
    removed.push(...page.removed);
    if (page.deltaLink) return { added, removed, deltaLink: page.deltaLink, pages };
    link = page.nextLink;
  }
}

async function usersRound(client: EntraClient, link: string | null) {
  const users: Record<string, unknown>[] = [];
  const removed: string[] = [];
  for (;;) {
    const page = await client.usersDelta({ select: ['jobTitle'], link });
    users.push(...page.users);
    removed.push(...page.removed);
    if (page.deltaLink) return { users, removed, deltaLink: page.deltaLink };
    link = page.nextLink;
  }
}

describe('delta queries for incremental syncs', () => {
  it('when members are added and removed, then groups/delta reports exactly those users in the next round', async () => {
    const { tenant, admin, conn } = await freshTenant({
      users: 1200,
      traits: PLAIN_TRAITS,
      groups: [{ displayName: 'G', users: 1100, nonUserMembers: 1 }],
    });
    const groupId = tenant.groups[0].id;
    const client = createEntraClient(conn, emulatorOutbound());

    const initial = await membersRound(client, groupId, null);
    expect(initial.added).toHaveLength(1100); // users only: the device, contact and service principal are left out
    expect(initial.pages).toBe(2);

    const outsider = (await admin.listUsers({ offset: 1150, limit: 1 }))[0];
    const leaver = initial.added[0];
    await admin.addMember(groupId, outsider.id);
    await admin.removeMember(groupId, leaver);
    const next = await membersRound(client, groupId, initial.deltaLink);
    expect(next).toMatchObject({ added: [outsider.id], removed: [leaver] });

    const quiet = await membersRound(client, groupId, next.deltaLink);
    expect(quiet).toMatchObject({ added: [], removed: [] });
  });

  it('when users change, get disabled or deleted, then users/delta reports them with @removed for deletions', async () => {
    const { admin, conn } = await freshTenant({ users: 1100, traits: PLAIN_TRAITS });
    const client = createEntraClient(conn, emulatorOutbound());
    const initial = await usersRound(client, null);
    expect(initial.users).toHaveLength(1100);

    const [renamed, disabled, softDeleted, hardDeleted] = await admin.listUsers({ limit: 4 });
    await admin.updateUser(renamed.id, { jobTitle: 'Chief, Things; "Stuff"' });
    await admin.disableUser(disabled.id);
    await admin.deleteUser(softDeleted.id);
    await admin.deleteUser(hardDeleted.id, { hard: true });
    const changes = await usersRound(client, initial.deltaLink);

    expect(changes.users.map((u) => u.id).sort()).toEqual([renamed.id, disabled.id].sort());
    expect(changes.users.find((u) => u.id === renamed.id)).toMatchObject({
      jobTitle: 'Chief, Things; "Stuff"',
    });
    expect(changes.users.find((u) => u.id === disabled.id)).toMatchObject({ accountEnabled: false });
    expect(changes.removed.sort()).toEqual([softDeleted.id, hardDeleted.id].sort());
  });

  it('when a delta link has expired, then delta_token_expired says to run a full sync', async () => {
    const { tenant, admin, conn } = await freshTenant({ users: 5 });
    const client = createEntraClient(conn, emulatorOutbound());
    const { deltaLink } = await membersRound(client, tenant.groups[0].id, null);
    await admin.expireDeltaTokens();

    const error = (await client
      .groupMembersDelta({ groupId: tenant.groups[0].id, link: deltaLink })
      .catch((e: unknown) => e)) as EntraError;
    expect(error).toBeInstanceOf(EntraError);
    expect(error.code).toBe('delta_token_expired');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/run a full sync/);
    const users = (await client
      .usersDelta({ select: [], link: `${tenant.graphBaseUrl}/v1.0/users/delta?$deltatoken=garbage` })
      .catch((e: unknown) => e)) as EntraError;
    expect(users.code).toBe('delta_token_expired');
  });
});
