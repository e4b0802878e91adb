import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makePngPhoto } from '../../emulator/photos';
import { createEntraClient } from '../../graph/entra-client';
import { createBatchGate } from '../../graph/batch-gate';
import { emulatorOutbound } from '../helpers/outbound';
import { PLAIN_TRAITS, freshTenant } from './support/emulator';

describe('photos in $batch requests', () => {
  it('when inner answers mix 200, 404 and 429, then every photo arrives decoded, the absent are null and no retry is early', async () => {
    const { admin, conn } = await freshTenant({
      seed: 7,
      users: 60,
      traits: { ...PLAIN_TRAITS, photo: 0.5 },
      photoBytes: { min: 5_000, max: 9_000 },
    });
    await admin.setFaults({ throttleRate: 0.25, retryAfterSeconds: 1 });
    const users = await admin.listUsers();
    const unknown = randomUUID();
    const ids = [...users.map((u) => u.id), unknown];
    const client = createEntraClient(conn, emulatorOutbound());

    const meta = await client.getPhotoMetadata(ids);
    const withPhoto = users.filter((u) => u.hasPhoto).map((u) => u.id);
    const contents = await client.getPhotoContents(ids);

    expect(withPhoto.length).toBeGreaterThan(10);
    expect(withPhoto.length).toBeLessThan(users.length);
    expect(meta.size).toBe(ids.length);
    expect(contents.size).toBe(ids.length);
    for (const user of users) {
      const content = contents.get(user.id);
      if (!user.hasPhoto) {
        expect(content).toBeNull();
        expect(meta.get(user.id)).toBeNull();
        continue;
      }
      expect(content?.contentType).toBe('image/jpeg');
      expect(content!.data.length).toBeGreaterThanOrEqual(5_000);
      expect(content!.data.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(meta.get(user.id)?.etag).toMatch(/^W\/"/);
      // the download's ETag names the same version as the metadata's @odata.mediaEtag
      expect(content!.etag).toBe(meta.get(user.id)?.etag);
    }
    expect(contents.get(unknown)).toBeNull();
    const counters = await admin.counters();
    // inner 429 answers were sent again: more inner photo reads than ids, and none before its Retry-After
    expect(counters.throttled).toBeGreaterThan(0);
    expect(counters.requests.photo).toBeGreaterThan(ids.length);
    expect(counters.requests['photo.metadata']).toBeGreaterThan(ids.length);
    expect(counters.earlyRetries).toBe(0);
    const served = withPhoto.reduce((sum, id) => sum + contents.get(id)!.data.length, 0);
    expect(counters.photoBytes).toBe(served);
  });

  it('when a photo is replaced, then its metadata etag changes and the new bytes come back', async () => {
    const { admin, conn } = await freshTenant({ users: 5, traits: { ...PLAIN_TRAITS, photo: 0.01 } });
    const [user] = await admin.listUsers({ filter: 'photo' });
    const client = createEntraClient(conn, emulatorOutbound());
    const before = (await client.getPhotoMetadata([user.id])).get(user.id);
    const replacement = makePngPhoto([9, 8, 7]);
    await admin.setPhoto(user.id, replacement);

    const after = (await client.getPhotoMetadata([user.id])).get(user.id);
    const content = (await client.getPhotoContents([user.id])).get(user.id);

    expect(before?.etag).toBeTruthy();
    expect(after?.etag).toBeTruthy();
    expect(after?.etag).not.toBe(before?.etag);
    expect(content?.contentType).toBe('image/png');
    expect(content?.data.equals(replacement.data)).toBe(true);
    expect(content?.etag).toBe(after?.etag);
  });

  it('when reads share a gate, then no more than its size are in flight at once', async () => {
    const gate = createBatchGate(3);
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        gate.run(async () => {
          most = Math.max(most, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight--;
        }),
      ),
    );
    expect(most).toBe(3);
  });
});
