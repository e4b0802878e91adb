import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makePngPhoto } from '../../emulator/photos';
import { emulatorOutbound } from '../helpers/outbound';
import { createEntraClient } from '../../graph/entra-client';
import { PLAIN_TRAITS, freshTenant } from './support/emulator';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const JPEG_SOI = Buffer.from([0xff, 0xd8, 0xff]);

describe('users by id, photos and the directory preview', () => {
  it('when 45 ids are asked for, then 3 $batch requests answer them and unknown or deleted users are null', async () => {
    const { admin, conn } = await freshTenant({ users: 60, traits: PLAIN_TRAITS });
    const users = await admin.listUsers({ limit: 43 });
    await admin.deleteUser(users[0].id);
    const unknown = [randomUUID(), randomUUID()];
    const result = await createEntraClient(conn, emulatorOutbound()).getUsersByIds(
      [...users.map((u) => u.id), ...unknown, users[5].id],
      ['department'],
    );

    expect(result.size).toBe(45);
    expect(result.get(users[0].id)).toBeNull();
    expect(unknown.map((id) => result.get(id))).toEqual([null, null]);
    expect(result.get(users[1].id)).toMatchObject({
      id: users[1].id,
      department: expect.any(String),
      accountEnabled: true,
    });
    const counters = await admin.counters();
    expect(counters.requests.batch).toBe(3);
    expect(counters.requests.user).toBe(45);
  });

  it('when a user has a photo, then its bytes and content type come back; without one, null', async () => {
    const { admin, conn } = await freshTenant({ users: 10, traits: { ...PLAIN_TRAITS, photo: 0.01 } });
    const [withPhoto] = await admin.listUsers({ filter: 'photo' });
    const withoutPhoto = (await admin.listUsers()).find((u) => !u.hasPhoto)!;
    const client = createEntraClient(conn, emulatorOutbound());

    const photo = await client.getPhoto(withPhoto.id);
    const signature = photo?.contentType === 'image/png' ? PNG_SIGNATURE : JPEG_SOI;
    expect(['image/png', 'image/jpeg']).toContain(photo?.contentType);
    expect(photo?.data.subarray(0, signature.length)).toEqual(signature);
    expect(await client.getPhoto(withoutPhoto.id)).toBeNull();
    expect(await client.getPhoto(randomUUID())).toBeNull();

    const replacement = makePngPhoto([1, 2, 3]);
    await admin.setPhoto(withPhoto.id, replacement);
    expect((await client.getPhoto(withPhoto.id))?.data.equals(replacement.data)).toBe(true);
  });

  it('when a user is read by id or by a guest UPN with #EXT#, then it is found; an unknown id is null', async () => {
    const { admin, conn } = await freshTenant({ users: 10, traits: { ...PLAIN_TRAITS, guest: 0.01 } });
    const [guest] = await admin.listUsers({ filter: 'guest' });
    const client = createEntraClient(conn, emulatorOutbound());

    expect(await client.getUser(guest.id, ['displayName'])).toMatchObject({
      id: guest.id,
      userType: 'Guest',
    });
    expect(await client.getUser(String(guest.userPrincipalName), [])).toMatchObject({ id: guest.id });
    expect(await client.getUser(randomUUID(), [])).toBeNull();
  });

  it('when the directory is searched, then users and groups match by name prefix with ConsistencyLevel: eventual', async () => {
    const { admin, conn } = await freshTenant({ users: 30, traits: PLAIN_TRAITS });
    await admin.createUser({ props: { displayName: 'Zyxwv Quux', givenName: 'Zyxwv', surname: 'Quux' } });
    await admin.createGroup({ displayName: 'Zyxwv Fans', description: 'people named "Zyxwv"' });
    const client = createEntraClient(conn, emulatorOutbound());

    const users = await client.searchUsers({ search: 'zyx' });
    const groups = await client.searchGroups({ search: 'Zyxwv' });
    const all = await client.searchUsers({ top: 10 });

    expect(users.items.map((u) => u.displayName)).toEqual(['Zyxwv Quux']);
    expect(groups.items).toEqual([
      expect.objectContaining({ displayName: 'Zyxwv Fans', description: 'people named "Zyxwv"' }),
    ]);
    expect(all.items).toHaveLength(10);
    expect(all.nextLink).not.toBeNull();
    const searches = (await admin.requests()).filter((r) => r.kind === 'users' || r.kind === 'groups');
    expect(searches.every((r) => r.headers.consistencylevel === 'eventual')).toBe(true);
  });
});
