import type { PhotoWithBytes, PhotoWrite, StoredPhotoState } from '../../domain/photo';
import type { Conn } from '../database';
import { sql } from 'kysely';
import { pruneOrphanBlobs, storePhotoBlobs } from './photo-blobs';
import { workspaceOf } from './recipient-writes';

/** Stores photos with their bytes (an admin's upload): the bytes once per content, then the references. */
export async function storePhotos(db: Conn, rows: PhotoWithBytes[]): Promise<void> {
  await storePhotoBlobs(db, rows);
  await upsertPhotos(db, rows);
}

/**
 * Points recipients at their photos, whose bytes are already stored (photo-blobs.ts). A reference
 * whose hash and etag are unchanged is not rewritten; blobs the rows let go of are pruned when no
 * one else refers to them.
 */
export async function upsertPhotos(db: Conn, rows: PhotoWrite[]): Promise<void> {
  if (!rows.length) return;
  const previous = await photoHashesOf(
    db,
    rows.map((r) => r.recipientId),
  );
  await db
    .insertInto('recipientPhotos')
    .values(
      rows.map((r) => ({
        recipientId: r.recipientId,
        contentHash: r.contentHash,
        contentType: r.contentType,
        mediaEtag: r.mediaEtag,
        updatedAt: new Date(),
      })),
    )
    .onConflict((oc) =>
      oc
        .column('recipientId')
        .doUpdateSet((eb) => ({
          contentHash: eb.ref('excluded.contentHash'),
          contentType: eb.ref('excluded.contentType'),
          mediaEtag: eb.ref('excluded.mediaEtag'),
          updatedAt: eb.ref('excluded.updatedAt'),
        }))
        .where(
          sql<boolean>`(recipient_photos.content_hash, recipient_photos.media_etag) is distinct from (excluded.content_hash, excluded.media_etag)`,
        ),
    )
    .execute();
  await pruneOrphanBlobs(db, previous);
}

export async function deletePhotos(db: Conn, recipientIds: string[]): Promise<void> {
  if (!recipientIds.length) return;
  const deleted = await db
    .deleteFrom('recipientPhotos')
    .where(sql<boolean>`recipient_id = any(${recipientIds}::uuid[])`)
    .returning('contentHash')
    .execute();
  await pruneOrphanBlobs(
    db,
    deleted.map((d) => d.contentHash),
  );
}

async function photoHashesOf(db: Conn, recipientIds: string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('recipientPhotos')
    .select('contentHash')
    .where(sql<boolean>`recipient_id = any(${recipientIds}::uuid[])`)
    .execute();
  return rows.map((r) => r.contentHash);
}

/**
 * Records the etag Entra now gives a stored photo whose bytes were downloaded again and found
 * unchanged (or stored before etags were kept), so the next check need not download them.
 */
export async function setPhotoEtags(
  db: Conn,
  workspaceId: string,
  rows: Array<{ entraUserId: string; contentHash: string; mediaEtag: string }>,
): Promise<void> {
  if (!rows.length) return;
  await sql`
    update recipient_photos p set media_etag = v.etag
      from unnest(${rows.map((r) => r.entraUserId)}::text[], ${rows.map((r) => r.contentHash)}::text[],
                  ${rows.map((r) => r.mediaEtag)}::text[]) as v(entra_user_id, hash, etag),
           recipients r
     where r.workspace_id = ${workspaceOf(workspaceId)} and r.entra_user_id = v.entra_user_id
       and p.recipient_id = r.id and p.content_hash = v.hash
       and p.media_etag is distinct from v.etag`.execute(db);
}

/** What the photo check needs of the recipients of these Entra users: lock, hash and etag. */
export async function storedPhotoStates(
  db: Conn,
  workspaceId: string,
  entraUserIds: string[],
): Promise<Map<string, StoredPhotoState>> {
  if (!entraUserIds.length) return new Map();
  const { rows } = await sql<{
    entraUserId: string;
    locked: boolean;
    contentHash: string | null;
    mediaEtag: string | null;
  }>`
    select r.entra_user_id, 'photo' = any(r.locked_fields) as locked, p.content_hash, p.media_etag
      from unnest(${entraUserIds}::text[]) as v(id)
      join lateral (select * from recipients r where r.workspace_id = ${workspaceOf(workspaceId)}
                       and r.entra_user_id = v.id offset 0) r on true
      left join recipient_photos p on p.recipient_id = r.id`.execute(db);
  return new Map(
    rows.map((r) => [
      r.entraUserId,
      { locked: r.locked, contentHash: r.contentHash, mediaEtag: r.mediaEtag },
    ]),
  );
}
