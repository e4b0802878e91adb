import { sql } from 'kysely';
import type { Conn } from '../database';

export interface PhotoBlob {
  contentHash: string;
  contentType: string;
  data: Buffer;
}

/** Bytes per insert statement: a chunk's photos go to Postgres in a few statements, not one. */
const BYTES_PER_STATEMENT = 4 * 1024 * 1024;

/**
 * Stores each distinct content once: hashes already stored are not sent again (a default image
 * shared by thousands is one row), the rest are inserted in statements of a few MB. A statement's
 * photos travel as one bytea parameter, cut apart by Postgres: the driver copies a parameter into
 * its message buffer, which grows by half again for every parameter that does not fit, so many
 * photo-sized parameters cost several copies of the whole statement.
 */
export async function storePhotoBlobs(db: Conn, blobs: PhotoBlob[]): Promise<void> {
  const distinct = new Map(blobs.map((b) => [b.contentHash, b]));
  if (!distinct.size) return;
  const stored = await db
    .selectFrom('photoBlobs')
    .select('contentHash')
    .where(sql<boolean>`content_hash = any(${[...distinct.keys()]}::text[])`)
    .execute();
  for (const row of stored) distinct.delete(row.contentHash);
  let batch: PhotoBlob[] = [];
  let bytes = 0;
  const flush = async () => {
    if (!batch.length) return;
    const offsets: number[] = [];
    let offset = 0;
    for (const b of batch) {
      offsets.push(offset);
      offset += b.data.length;
    }
    const joined = Buffer.concat(
      batch.map((b) => b.data),
      offset,
    );
    await sql`
      insert into photo_blobs (content_hash, content_type, data)
      select v.hash, v.type, substring(${joined}::bytea from v.off + 1 for v.len)
        from unnest(${batch.map((b) => b.contentHash)}::text[], ${batch.map((b) => b.contentType)}::text[],
                    ${offsets}::int[], ${batch.map((b) => b.data.length)}::int[]) as v(hash, type, off, len)
      on conflict (content_hash) do nothing`.execute(db);
    batch = [];
    bytes = 0;
  };
  for (const blob of distinct.values()) {
    batch.push(blob);
    bytes += blob.data.length;
    if (bytes >= BYTES_PER_STATEMENT) await flush();
  }
  await flush();
}

/**
 * Deletes the blobs among `hashes` that no recipient refers to any more (a photo replaced, cleared
 * or erased). A blob some other transaction is just now referring to is locked by its foreign-key
 * check and skipped, so pruning never fails a concurrent writer.
 */
export async function pruneOrphanBlobs(db: Conn, hashes: Array<string | null>): Promise<void> {
  const candidates = [...new Set(hashes.filter((h): h is string => h !== null))];
  if (!candidates.length) return;
  await sql`
    delete from photo_blobs where content_hash in (
      select b.content_hash from photo_blobs b
       where b.content_hash = any(${candidates}::text[])
         and not exists (select 1 from recipient_photos p where p.content_hash = b.content_hash)
       for update skip locked)`.execute(db);
}

/**
 * Deletes blobs no recipient refers to that are older than a grace period: bytes stored for a
 * chunk that then failed, or whose person was skipped. The grace keeps the blobs of chunks still
 * being written.
 */
export async function pruneStaleOrphanBlobs(db: Conn, olderThanMinutes = 60): Promise<void> {
  await sql`
    delete from photo_blobs where content_hash in (
      select b.content_hash from photo_blobs b
       where b.created_at < now() - make_interval(mins => ${olderThanMinutes})
         and not exists (select 1 from recipient_photos p where p.content_hash = b.content_hash)
       for update skip locked)`.execute(db);
}
