import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emulatorOutbound } from '../helpers/outbound';
import { createEntraClient } from '../../graph/entra-client';
import { EntraError, isRetryable } from '../../graph/errors';
import { connectionOf, freshTenant } from './support/emulator';

/** Runs a call that must fail, returning the error and how long it took. */
async function failure(call: () => Promise<unknown>): Promise<{ error: EntraError; ms: number }> {
  const started = Date.now();
  const error = await call().then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EntraError);
  return { error: error as EntraError, ms: Date.now() - started };
}

describe('failures a retry cannot fix fail once, fast, with what to do', () => {
  it('when the client secret is wrong, then invalid_credentials names AADSTS7000215 and the fix, after one token request', async () => {
    const { tenant, admin, conn } = await freshTenant({ users: 3 });
    const client = createEntraClient({ ...conn, clientSecret: 'not-the-secret' }, emulatorOutbound());
    const { error, ms } = await failure(() => client.getGroup(tenant.groups[0].id));

    expect(error.code).toBe('invalid_credentials');
    expect(isRetryable(error)).toBe(false);
    expect(error.graphCode).toBe('AADSTS7000215');
    expect(error.message).toMatch(/secret's Value \(not its Secret ID\)/);
    expect(ms).toBeLessThan(3000);
    const counters = await admin.counters();
    expect(counters.requests.token).toBe(1);
    expect(
      counters.total - (counters.requests.token ?? 0) - (counters.requests['openid-configuration'] ?? 0),
    ).toBe(0);
  });

  it('when the client id is unknown in the tenant, then invalid_credentials names AADSTS700016', async () => {
    const { tenant, conn } = await freshTenant({ users: 3 });
    const { error } = await failure(() =>
      createEntraClient({ ...conn, clientId: randomUUID() }, emulatorOutbound()).getGroup(
        tenant.groups[0].id,
      ),
    );
    expect(error.code).toBe('invalid_credentials');
    expect(error.message).toMatch(/AADSTS700016/);
  });

  it('when the tenant does not exist, then unknown_tenant says to check the tenant id', async () => {
    const { tenant } = await freshTenant({ users: 3 });
    const conn = connectionOf(tenant, { tenantId: randomUUID() });
    const { error, ms } = await failure(() =>
      createEntraClient(conn, emulatorOutbound()).getGroup(tenant.groups[0].id),
    );

    expect(error.code).toBe('unknown_tenant');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/check the connection's tenant id/);
    expect(ms).toBeLessThan(3000);
  });

  it('when the app lacks GroupMember.Read.All, then missing_permission says to grant it with admin consent, after one Graph request', async () => {
    const { tenant, admin, conn } = await freshTenant({ users: 3, roles: ['User.Read.All'] });
    const { error, ms } = await failure(() =>
      createEntraClient(conn, emulatorOutbound()).listGroupUsers({
        groupId: tenant.groups[0].id,
        transitive: false,
        select: [],
      }),
    );

    expect(error.code).toBe('missing_permission');
    expect(error.retryable).toBe(false);
    expect(error.missingPermissions).toEqual(['GroupMember.Read.All']);
    expect(error.message).toMatch(/grant the application permission GroupMember\.Read\.All .* admin consent/);
    expect(ms).toBeLessThan(3000);
    expect((await admin.counters()).requests['members.user']).toBe(1);
  });

  it('when the app lacks User.Read.All, then reading a user fails with missing_permission naming it', async () => {
    const { admin, conn } = await freshTenant({ users: 3, roles: ['GroupMember.Read.All'] });
    const [user] = await admin.listUsers();
    const { error } = await failure(() => createEntraClient(conn, emulatorOutbound()).getUser(user.id, []));
    expect(error.code).toBe('missing_permission');
    expect(error.missingPermissions).toEqual(['User.Read.All']);
  });

  it('when the group does not exist, then group_not_found is thrown after one request', async () => {
    const { admin, conn } = await freshTenant({ users: 3 });
    const client = createEntraClient(conn, emulatorOutbound());
    const missing = randomUUID();
    const { error, ms } = await failure(() =>
      client.listGroupUsers({ groupId: missing, transitive: true, select: [] }),
    );
    const { error: byGet } = await failure(() => client.getGroup(missing));

    expect(error.code).toBe('group_not_found');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(missing);
    expect(byGet.code).toBe('group_not_found');
    expect(ms).toBeLessThan(3000);
    const counters = await admin.counters();
    expect(counters.requests['transitiveMembers.user']).toBe(1);
    expect(counters.requests.group).toBe(1);
  });

  it('when the group id is not a GUID, then group_not_found is thrown without calling Graph', async () => {
    const { admin, conn } = await freshTenant({ users: 3 });
    const { error } = await failure(() => createEntraClient(conn, emulatorOutbound()).getGroup('Sales Team'));
    expect(error.code).toBe('group_not_found');
    expect((await admin.counters()).total).toBe(0);
  });
});
