import type { PhotoWithBytes } from '../../domain/photo';
import type { Db, Trx } from '../database';
import { deletePhotos, storePhotos } from './photo-writes';

/**
 * An admin's photo, stored and cleared through the same photo repository the sync writes with, so
 * a change of how photo bytes are stored stays in photo-writes.ts. Either way the photo becomes a
 * manual value: `photo` joins the recipient's locked fields, so no sync replaces or clears it
 * (domain/field-settings.ts decidePhoto) until an admin removes the lock.
 */

async function lockRecipient(trx: Trx, workspaceId: string, id: string) {
  return trx
    .selectFrom('recipients')
    .select(['photoHash', 'lockedFields', 'entraUserId'])
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Sets (a photo) or clears (null) the recipient's photo by hand; false when no such recipient. */
export async function setManualPhoto(
  db: Db,
  workspaceId: string,
  id: string,
  photo: PhotoWithBytes | null,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const current = await lockRecipient(trx, workspaceId, id);
    if (!current) return false;
    const newHash = photo?.contentHash ?? null;
    if (photo) await storePhotos(trx, [photo]);
    else await deletePhotos(trx, [id]);
    const lock = !current.lockedFields.includes('photo');
    const lockedFields = lock ? [...current.lockedFields, 'photo'].sort() : current.lockedFields;
    if (!lock && current.photoHash === newHash) return true;
    await trx
      .updateTable('recipients')
      .set({ photoHash: newHash, lockedFields, updatedAt: new Date() })
      .where('id', '=', id)
      .execute();
    const change = {
      workspaceId,
      recipientId: id,
      entraUserId: current.entraUserId,
      source: 'manual' as const,
    };
    const rows = [];
    if (current.photoHash !== newHash)
      rows.push({
        ...change,
        action: 'photo',
        field: 'photo',
        oldValue: current.photoHash,
        newValue: newHash,
        reason: photo ? 'photo uploaded by an admin' : 'photo removed by an admin',
      });
    if (lock)
      rows.push({
        ...change,
        action: 'updated',
        field: 'lockedFields',
        oldValue: [...current.lockedFields].sort().join(','),
        newValue: lockedFields.join(','),
        reason: 'a manual photo is locked against the sync',
      });
    await trx.insertInto('recipientChanges').values(rows).execute();
    return true;
  });
}

/** The recipient's stored photo, or undefined (no recipient in the workspace, or no photo). */
export async function getRecipientPhoto(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<{ contentHash: string; contentType: string; data: Buffer } | undefined> {
  return db
    .selectFrom('recipientPhotos as ph')
    .innerJoin('recipients as r', 'r.id', 'ph.recipientId')
    .innerJoin('photoBlobs as b', 'b.contentHash', 'ph.contentHash')
    .select(['ph.contentHash', 'ph.contentType', 'b.data'])
    .where('r.workspaceId', '=', workspaceId)
    .where('ph.recipientId', '=', id)
    .executeTakeFirst();
}
