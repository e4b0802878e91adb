import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useMigrationDatabase } from './migration-database';

const PHOTO_BLOBS = '2026_12_04_2201_photo_blobs';

/** Migration 2026_12_04_2201 on a database of its own, with photos stored the old way (bytes per recipient). */
describe('migration 2026_12_04_2201_photo_blobs', () => {
  const m = useMigrationDatabase('photo_blobs_migration');

  it('when it runs over stored photos, then each content is one blob the recipients refer to, a referenced blob cannot be deleted, and down puts the bytes back', async () => {
    expect((await m.migrator('2026_12_04_2001_events').migrateToLatest()).error).toBeUndefined();
    const ws = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await sql`insert into workspaces (id, name) values (${ws}, 'w')`.execute(m.db);
    for (const [id, email] of [
      [a, 'a@example.com'],
      [b, 'b@example.com'],
      [c, 'c@example.com'],
    ])
      await sql`insert into recipients (id, workspace_id, email) values (${id}, ${ws}, ${email})`.execute(
        m.db,
      );
    const shared = Buffer.from('shared bytes');
    const own = Buffer.from('own bytes');
    await sql`insert into recipient_photos (recipient_id, content_hash, content_type, data) values
      (${a}, 'h-shared', 'image/png', ${shared}), (${b}, 'h-shared', 'image/png', ${shared}),
      (${c}, 'h-own', 'image/jpeg', ${own})`.execute(m.db);

    expect((await m.migrator(PHOTO_BLOBS).migrateToLatest()).error).toBeUndefined();
    const { rows: blobs } = await sql<{ contentHash: string; contentType: string; data: Buffer }>`
      select content_hash as "contentHash", content_type as "contentType", data from photo_blobs
       order by content_hash`.execute(m.db);
    expect(blobs).toEqual([
      { contentHash: 'h-own', contentType: 'image/jpeg', data: own },
      { contentHash: 'h-shared', contentType: 'image/png', data: shared },
    ]);
    const { rows: refs } = await sql<{ n: number }>`
      select count(*)::int as n from recipient_photos where media_etag is null`.execute(m.db);
    expect(refs).toEqual([{ n: 3 }]);
    await expect(sql`delete from photo_blobs where content_hash = 'h-own'`.execute(m.db)).rejects.toThrow(
      /recipient_photos_blob/,
    );

    expect((await m.migrator(PHOTO_BLOBS).migrateDown()).error).toBeUndefined();
    const { rows: back } = await sql<{ recipientId: string; data: Buffer }>`
      select recipient_id as "recipientId", data from recipient_photos order by content_hash, recipient_id`.execute(
      m.db,
    );
    expect(back).toEqual([
      { recipientId: c, data: own },
      ...[a, b].sort().map((recipientId) => ({ recipientId, data: shared })),
    ]);
    expect((await sql`select to_regclass('photo_blobs') as t`.execute(m.db)).rows).toEqual([{ t: null }]);
  });
});
