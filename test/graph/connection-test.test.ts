import { describe, expect, it } from 'vitest';
import { emulatorOutbound } from '../helpers/outbound';
import { createEntraClient } from '../../graph/entra-client';
import { freshTenant } from './support/emulator';

describe('the connection test', () => {
  it.each([
    { roles: ['User.Read.All', 'GroupMember.Read.All'], missing: [] },
    { roles: ['Directory.Read.All'], missing: [] },
    { roles: ['User.Read.All'], missing: ['GroupMember.Read.All'] },
    { roles: ['GroupMember.Read.All'], missing: ['User.Read.All'] },
    { roles: ['Group.Read.All'], missing: ['User.Read.All'] },
    { roles: [], missing: ['User.Read.All', 'GroupMember.Read.All'] },
  ])('when the app has $roles, then it reports missing $missing', async ({ roles, missing }) => {
    const { conn } = await freshTenant({ users: 2, roles });
    const result = await createEntraClient(conn, emulatorOutbound()).testConnection();
    expect(result.missingPermissions).toEqual(missing);
    expect(result.ok).toBe(missing.length === 0);
    if (missing.length > 0) expect(result.detail).toMatch(/admin consent/);
  });

  it('when consent is granted after a first test, then the next test sees it (fresh token)', async () => {
    const { admin, conn } = await freshTenant({ users: 2, roles: ['User.Read.All'] });
    const client = createEntraClient(conn, emulatorOutbound());
    expect((await client.testConnection()).missingPermissions).toEqual(['GroupMember.Read.All']);
    await admin.setRoles(['User.Read.All', 'GroupMember.Read.All']);
    expect(await client.testConnection()).toMatchObject({ ok: true, missingPermissions: [] });
  });

  it('when the secret is wrong, then it reports the credential problem instead of throwing', async () => {
    const { conn } = await freshTenant({ users: 2 });
    const result = await createEntraClient(
      { ...conn, clientSecret: 'wrong' },
      emulatorOutbound(),
    ).testConnection();
    expect(result).toMatchObject({ ok: false, missingPermissions: [], errorCode: 'invalid_credentials' });
    expect(result.detail).toMatch(/AADSTS7000215/);
  });
});
