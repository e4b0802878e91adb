import { Kysely, sql } from 'kysely';

/**
 * Photo bytes stored once per distinct content (issue 22). Frozen in time.
 * - `photo_blobs`: the bytes, keyed by their sha256 (`content_hash`); stored uncompressed
 *   (`storage external`: JPEG and PNG do not compress, so Postgres need not try).
 * - `recipient_photos` keeps one row per recipient referring to its blob (no bytes), plus the
 *   `media_etag` Entra reported for the photo when it was downloaded: a later sync compares it with
 *   the photo's metadata and downloads only photos whose etag moved.
 * - `sync_photo_checks`: a run's working rows (like its staged members): the photo metadata a full
 *   listing read while it paged, so applying need not read it again.
 * - The foreign key keeps a referenced blob from being deleted; blobs nobody refers to any more are
 *   deleted by whoever let go of them, or swept after a grace period (db/repositories/photo-blobs.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table photo_blobs (
      content_hash text primary key,
      content_type text not null,
      data bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`alter table photo_blobs alter column data set storage external`.execute(db);
  await sql`
    insert into photo_blobs (content_hash, content_type, data)
    select distinct on (content_hash) content_hash, content_type, data
      from recipient_photos order by content_hash, updated_at desc`.execute(db);
  await sql`alter table recipient_photos drop column data`.execute(db);
  await sql`alter table recipient_photos add column media_etag text`.execute(db);
  await sql`
    alter table recipient_photos add constraint recipient_photos_blob
      foreign key (content_hash) references photo_blobs (content_hash)`.execute(db);
  await sql`create index recipient_photos_content_hash on recipient_photos (content_hash)`.execute(db);
  await sql`
    create table sync_photo_checks (
      sync_run_id uuid not null,
      entra_user_id text not null,
      has_photo boolean not null,
      media_etag text,
      primary key (sync_run_id, entra_user_id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table sync_photo_checks`.execute(db);
  await sql`alter table recipient_photos drop constraint recipient_photos_blob`.execute(db);
  await sql`drop index recipient_photos_content_hash`.execute(db);
  await sql`alter table recipient_photos drop column media_etag`.execute(db);
  await sql`alter table recipient_photos add column data bytea`.execute(db);
  await sql`
    update recipient_photos p set data = b.data from photo_blobs b
     where b.content_hash = p.content_hash`.execute(db);
  await sql`alter table recipient_photos alter column data set not null`.execute(db);
  await sql`drop table photo_blobs`.execute(db);
}
