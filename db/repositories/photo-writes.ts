import type { PhotoWrite } from '../../domain/photo';
import type { Conn } from '../database';
import { sql } from 'kysely';

/** Stores photos; a row whose hash is unchanged is not rewritten. */
export async function upsertPhotos(db: Conn, rows: PhotoWrite[]): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('recipientPhotos')
    .values(rows.map((r) => ({ ...r, updatedAt: new Date() })))
    .onConflict((oc) =>
      oc
        .column('recipientId')
        .doUpdateSet((eb) => ({
          contentHash: eb.ref('excluded.contentHash'),
          contentType: eb.ref('excluded.contentType'),
          data: eb.ref('excluded.data'),
          updatedAt: eb.ref('excluded.updatedAt'),
        }))
        .where(sql<boolean>`recipient_photos.content_hash <> excluded.content_hash`),
    )
    .execute();
}

export async function deletePhotos(db: Conn, recipientIds: string[]): Promise<void> {
  if (!recipientIds.length) return;
  await db
    .deleteFrom('recipientPhotos')
    .where(sql<boolean>`recipient_id = any(${recipientIds}::uuid[])`)
    .execute();
}
