import { describe, expect, it } from 'vitest';
import { emulatorOutbound } from '../helpers/outbound';
import { createEntraClient, type GraphUser } from '../../graph/entra-client';
import { isEntraError } from '../../graph/errors';
import { PLAIN_TRAITS, freshTenant } from './support/emulator';

async function listAll(
  client: ReturnType<typeof createEntraClient>,
  args: { groupId: string; transitive: boolean; select: string[] },
) {
  const pages: GraphUser[][] = [];
  let nextLink: string | null = null;
  do {
    const page = await client.listGroupUsers({ ...args, nextLink });
    pages.push(page.items);
    nextLink = page.nextLink;
  } while (nextLink);
  return pages;
}

describe('listing group members with MSAL and the Graph client over HTTPS', () => {
  it('when a group has 2,500 users, then they come in 3 pages of at most 999 with the selected properties', async () => {
    const { tenant, admin, conn } = await freshTenant({
      seed: 11,
      users: 2500,
      traits: PLAIN_TRAITS,
      groups: [{ displayName: 'Big', users: 'all' }],
    });
    const client = createEntraClient(conn, emulatorOutbound());
    const pages = await listAll(client, {
      groupId: tenant.groups[0].id,
      transitive: false,
      select: ['jobTitle', 'businessPhones[0]'],
    });

    expect(pages.map((p) => p.length)).toEqual([999, 999, 502]);
    const users = pages.flat();
    expect(new Set(users.map((u) => u.id)).size).toBe(2500);
    expect(Object.keys(users[0]).sort()).toEqual([
      'accountEnabled',
      'businessPhones',
      'id',
      'jobTitle',
      'mail',
      'userPrincipalName',
      'userType',
    ]);
    const counters = await admin.counters();
    expect(counters.requests['members.user']).toBe(3);
    expect(counters.requests.token).toBe(1);
  });

  it('when the same connection is used by several clients, then MSAL serves the cached token', async () => {
    const { tenant, admin, conn } = await freshTenant({ users: 5 });
    await createEntraClient(conn, emulatorOutbound()).getGroup(tenant.groups[0].id);
    await createEntraClient(conn, emulatorOutbound()).getGroup(tenant.groups[0].id);
    const group = await createEntraClient(conn, emulatorOutbound(), { background: true }).getGroup(
      tenant.groups[0].id,
    );

    expect(group).toEqual({
      id: tenant.groups[0].id,
      displayName: 'All Staff',
      description: tenant.groups[0].description,
    });
    const counters = await admin.counters();
    expect(counters.requests.token).toBe(1);
    expect(counters.requests.group).toBe(3);
  });

  it('when members include devices, contacts, service principals and a nested group, then only users are listed (nested ones when transitive)', async () => {
    const { tenant, conn } = await freshTenant({
      users: 30,
      traits: PLAIN_TRAITS,
      groups: [
        { displayName: 'Parent', users: 10, nestedGroups: ['Child'], nonUserMembers: 1 },
        { displayName: 'Child', users: 5, userOffset: 10 },
      ],
    });
    const parent = tenant.groups.find((g) => g.displayName === 'Parent')!;
    expect(parent.memberCount).toBe(14); // 10 users, a device, a contact, a service principal, a group
    const client = createEntraClient(conn, emulatorOutbound());

    const direct = (await listAll(client, { groupId: parent.id, transitive: false, select: [] })).flat();
    const transitive = (await listAll(client, { groupId: parent.id, transitive: true, select: [] })).flat();

    expect(direct).toHaveLength(10);
    expect(transitive).toHaveLength(15);
    expect(transitive.every((u) => typeof u.userPrincipalName === 'string')).toBe(true);
  });

  it('when guests, disabled and soft-deleted users are in the group, then guests and disabled users are listed with their flags and deleted ones are not', async () => {
    const { tenant, admin, conn } = await freshTenant({
      users: 40,
      traits: { disabled: 0.001, guest: 0.001, softDeleted: 0.001, noMail: 0.001, photo: 0 },
    });
    const [guest] = await admin.listUsers({ filter: 'guest' });
    const [disabled] = await admin.listUsers({ filter: 'disabled' });
    const [deleted] = await admin.listUsers({ filter: 'deleted' });
    const [noMail] = await admin.listUsers({ filter: 'noMail' });
    const users = (
      await listAll(createEntraClient(conn, emulatorOutbound()), {
        groupId: tenant.groups[0].id,
        transitive: false,
        select: [],
      })
    ).flat();
    const byId = new Map(users.map((u) => [u.id, u]));

    expect(byId.get(guest.id)).toMatchObject({ userType: 'Guest', accountEnabled: true });
    expect(String(byId.get(guest.id)!.userPrincipalName)).toContain('#EXT#');
    expect(byId.get(disabled.id)).toMatchObject({ accountEnabled: false });
    expect(byId.get(noMail.id)).toMatchObject({ mail: null });
    expect(byId.has(deleted.id)).toBe(false);
    expect(users).toHaveLength(39);
  });

  it('when a skiptoken expires mid-listing, then skiptoken_expired (retryable) is thrown and a restart from page one completes', async () => {
    const { tenant, admin, conn } = await freshTenant({
      users: 1500,
      traits: PLAIN_TRAITS,
      groups: [{ displayName: 'G', users: 'all' }],
    });
    const client = createEntraClient(conn, emulatorOutbound());
    const args = { groupId: tenant.groups[0].id, transitive: false, select: ['displayName'] };
    const first = await client.listGroupUsers(args);
    await admin.expireSkiptokens();

    const error = await client.listGroupUsers({ ...args, nextLink: first.nextLink }).catch((e: unknown) => e);
    expect(isEntraError(error) && error.code).toBe('skiptoken_expired');
    expect(isEntraError(error) && error.retryable).toBe(true);

    const restarted = (await listAll(client, args)).flat();
    expect(restarted).toHaveLength(1500);
  });
});
