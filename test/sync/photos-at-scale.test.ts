import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/database';
import { eraseRecipient } from '../../db/repositories/recipient-erasure';
import { makePngPhoto } from '../../emulator/photos';
import { startTestWorker } from '../helpers/stack';
import { startCrashingWorker } from './helpers/crash-worker-process';
import { CLEAN, useSyncStack } from './helpers/sync-stack';
import {
  createWorkspace,
  linkGroup,
  runRecord,
  startGroupSync,
  syncGroup,
  testActivities,
  type Workspace,
} from './helpers/sync-fixture';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Each recipient's Entra id, stored photo hash, card version and card photo hash. */
async function photoState(db: Db, workspaceId: string) {
  const { rows } = await sql<{
    entraUserId: string;
    photoHash: string | null;
    refHash: string | null;
    version: number;
    cardPhoto: string | null;
  }>`
    select r.entra_user_id, r.photo_hash, ph.content_hash as ref_hash, c.version,
           c.content->'photo'->>'contentHash' as card_photo
      from recipients r
      left join recipient_photos ph on ph.recipient_id = r.id
      left join cards c on c.recipient_id = r.id
     where r.workspace_id = ${workspaceId}::uuid order by r.entra_user_id`.execute(db);
  return new Map(rows.map((r) => [r.entraUserId, r]));
}

/** Blobs no recipient refers to, and references whose blob is missing (both must be none). */
async function blobIntegrity(db: Db) {
  const { rows } = await sql<{ orphans: number; dangling: number }>`
    select (select count(*)::int from photo_blobs b
             where not exists (select 1 from recipient_photos p where p.content_hash = b.content_hash)) as orphans,
           (select count(*)::int from recipient_photos p
             where not exists (select 1 from photo_blobs b where b.content_hash = p.content_hash)) as dangling`.execute(
    db,
  );
  return rows[0]!;
}

async function photoTenant(
  db: Db,
  stack: ReturnType<typeof useSyncStack>,
  seed: number,
  users: number,
): Promise<{ ws: Workspace; groupId: string }> {
  const ws = await createWorkspace(db, stack.key, {
    seed,
    users,
    traits: { ...CLEAN, photo: 0.7 },
    photoBytes: { min: 5_000, max: 12_000 },
    groups: [{ displayName: 'Faces', users: 'all' }],
  });
  return { ws, groupId: await linkGroup(db, ws.id, ws.tenant.groups[0]!.id) };
}

describe('photos at scale', () => {
  const stack = useSyncStack();
  const sync = (ws: Workspace, groupId: string, full = true) =>
    syncGroup(stack.db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId, { full });

  it('when nothing changed, then a full re-sync reads photo metadata only and a delta re-sync reads no photo at all; a photo changed in Entra then reaches its card once', async () => {
    const { db } = stack;
    const { ws, groupId } = await photoTenant(db, stack, 2201, 60);
    const withPhoto = await ws.control.listUsers({ filter: 'photo' });
    expect((await sync(ws, groupId)).status).toBe('completed');
    const cold = await ws.control.counters();
    const stored = await photoState(db, ws.id);
    expect([...stored.values()].filter((r) => r.photoHash)).toHaveLength(withPhoto.length);
    for (const r of stored.values()) expect(r.cardPhoto ?? null).toBe(r.photoHash);
    // new people have no etag to compare: their photos are asked for at once, no metadata first
    // (an inner 404 for those without one); 60 members in 3 batches (the emulator counts $batch as one)
    expect(cold.requests.photo).toBe(60);
    expect(cold.requests['photo.metadata'] ?? 0).toBe(0);
    expect(cold.requests.batch).toBe(3);

    await ws.control.resetCounters();
    const again = await sync(ws, groupId);
    const unchanged = await ws.control.counters();
    expect(again.counts).toMatchObject({ recipientsUnchanged: 60, cardsUnchanged: 60 });
    expect(unchanged.photoBytes).toBe(0);
    expect(unchanged.requests.photo ?? 0).toBe(0);
    expect(unchanged.requests['photo.metadata']).toBe(60);
    expect(await photoState(db, ws.id)).toEqual(stored);

    await ws.control.resetCounters();
    expect((await sync(ws, groupId, false)).syncType).toBe('delta');
    expect((await ws.control.counters()).photoBytes).toBe(0);

    const [changed, removed] = withPhoto;
    const replacement = makePngPhoto([12, 34, 56], 24);
    await ws.control.setPhoto(changed!.id, replacement);
    await ws.control.removePhoto(removed!.id);
    await ws.control.resetCounters();
    const noticed = await sync(ws, groupId);
    const downloads = await ws.control.counters();
    // the listing passed everyone over; the two whose photo moved came back, counted once
    expect(noticed.counts).toMatchObject({ recipientsUpdated: 2, cardsUpdated: 2, recipientsUnchanged: 58 });
    expect(downloads.photoBytes).toBe(replacement.data.length);
    expect(downloads.requests.photo).toBe(1);
    const after = await photoState(db, ws.id);
    expect(after.get(changed!.id)).toMatchObject({
      photoHash: sha256(replacement.data),
      cardPhoto: sha256(replacement.data),
      version: stored.get(changed!.id)!.version + 1,
    });
    expect(after.get(removed!.id)).toMatchObject({ photoHash: null, refHash: null, cardPhoto: null });
    for (const [id, r] of after)
      if (id !== changed!.id && id !== removed!.id) expect(r).toEqual(stored.get(id));

    // once: the next full read finds the new etag stored and writes nothing
    await ws.control.resetCounters();
    expect((await sync(ws, groupId)).counts).toMatchObject({ recipientsUnchanged: 60, cardsUnchanged: 60 });
    expect((await ws.control.counters()).photoBytes).toBe(0);
    expect(await photoState(db, ws.id)).toEqual(after);
    expect(await blobIntegrity(db)).toEqual({ orphans: 0, dangling: 0 });
  }, 120_000);

  it('when two people have the same photo, then its bytes are stored once, and erasing one keeps them for the other until both are gone', async () => {
    const { db } = stack;
    const { ws, groupId } = await photoTenant(db, stack, 2202, 6);
    const [a, b] = await ws.control.listUsers({ limit: 2 });
    const shared = makePngPhoto([200, 100, 50], 20);
    await ws.control.setPhoto(a!.id, shared);
    await ws.control.setPhoto(b!.id, shared);
    expect((await sync(ws, groupId)).status).toBe('completed');
    const hash = sha256(shared.data);
    const blobs = () =>
      db.selectFrom('photoBlobs').select('contentHash').where('contentHash', '=', hash).execute();
    const people = await db
      .selectFrom('recipients')
      .select(['id', 'photoHash'])
      .where('workspaceId', '=', ws.id)
      .where('entraUserId', 'in', [a!.id, b!.id])
      .execute();
    expect(people.map((p) => p.photoHash)).toEqual([hash, hash]);
    expect(await blobs()).toHaveLength(1);

    expect(await eraseRecipient(db, ws.id, people[0]!.id)).toBe(true);
    expect(await blobs()).toHaveLength(1);
    expect(await eraseRecipient(db, ws.id, people[1]!.id)).toBe(true);
    expect(await blobs()).toHaveLength(0);
  }, 60_000);

  it('when the worker is SIGKILLed while a full read downloads changed photos, then a new worker finishes with each changed photo written once and no blob twice', async () => {
    const { db } = stack;
    const { ws, groupId } = await photoTenant(db, stack, 2203, 3500);
    expect((await sync(ws, groupId)).status).toBe('completed');
    const before = await photoState(db, ws.id);
    const withPhoto = await ws.control.listUsers({ filter: 'photo', limit: 3500 });
    // every fifth person with a photo gets a new one, spread over every chunk
    const changed = withPhoto.filter((_, i) => i % 5 === 0);
    const replacements = new Map(
      changed.map((u, i) => [u.id, makePngPhoto([i % 256, (i >> 8) % 256, 77], 12)]),
    );
    for (const [id, photo] of replacements) await ws.control.setPhoto(id, photo);
    await ws.control.resetCounters();

    const taskQueue = `photo-crash-${randomUUID()}`;
    const crashing = await startCrashingWorker({
      taskQueue,
      encryptionKey: stack.key,
      activity: 'applyFieldSettings',
      // Each slice of downloaded photos is stored in a transaction of its own before its chunk
      // commits: the sixth transaction comes while the chunks' photos are still being read.
      atTransaction: 6,
    });
    const started = await startGroupSync(db, stack.temporal.client, taskQueue, ws.id, groupId, {
      full: true,
    });
    expect(await crashing.exited).toBe('SIGKILL');
    expect((await runRecord(db, started.syncRunId)).status).toBe('running');
    const storedBefore = await db
      .selectFrom('photoBlobs')
      .select('contentHash')
      .where(
        'contentHash',
        'in',
        [...replacements.values()].map((p) => sha256(p.data)),
      )
      .execute();
    // killed mid-download: some of the new photos are stored, not all
    expect(storedBefore.length).toBeGreaterThan(0);
    expect(storedBefore.length).toBeLessThan(changed.length);

    const survivor = await startTestWorker({ activities: testActivities(db, stack.key), taskQueue });
    try {
      expect((await started.result()).status).toBe('completed');
    } finally {
      await survivor.stop();
    }

    const after = await photoState(db, ws.id);
    for (const [id, r] of after) {
      const replacement = replacements.get(id);
      if (!replacement) {
        expect(r).toEqual(before.get(id));
        continue;
      }
      expect(r).toMatchObject({
        photoHash: sha256(replacement.data),
        refHash: sha256(replacement.data),
        cardPhoto: sha256(replacement.data),
        version: before.get(id)!.version + 1,
      });
    }
    const run = await runRecord(db, started.syncRunId);
    expect(run.counts).toMatchObject({ recipientsUpdated: changed.length, cardsUpdated: changed.length });
    const { rows: photoChanges } = await sql<{ n: number; people: number }>`
      select count(*)::int as n, count(distinct recipient_id)::int as people from recipient_changes
       where sync_run_id = ${started.syncRunId}::uuid and action = 'photo'`.execute(db);
    expect(photoChanges[0]).toEqual({ n: changed.length, people: changed.length });
    const { rows: versions } = await sql<{ duplicates: number }>`
      select count(*)::int as duplicates from (
        select v.card_id, v.content_hash from card_versions v join cards c on c.id = v.card_id
         where c.workspace_id = ${ws.id}::uuid group by 1, 2 having count(*) > 1) d`.execute(db);
    expect(versions[0]!.duplicates).toBe(0);
    expect(await blobIntegrity(db)).toEqual({ orphans: 0, dangling: 0 });
    // only changed photos were downloaded: by the killed worker, and again by the new one for the
    // chunks that had not committed
    const counters = await ws.control.counters();
    const changedBytes = [...replacements.values()].reduce((sum, p) => sum + p.data.length, 0);
    expect(counters.photoBytes).toBeGreaterThanOrEqual(changedBytes);
    expect(counters.photoBytes).toBeLessThanOrEqual(changedBytes * 2);
    expect(counters.requests.photo).toBeLessThanOrEqual(changed.length * 2);
  }, 300_000);
});
