import { sql } from 'kysely';
import { PROFILE_COLUMNS } from '../../domain/recipient';
import type { Db } from '../database';
import { deletePhotos } from './photo-writes';
import { lockWorkspaceForSync } from './recipient-writes';

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** Every profile column but email (which must stay unique and present) set to null. */
const CLEARED_PROFILE = sql.raw(
  PROFILE_COLUMNS.filter((c) => c !== 'email')
    .map((c) => `${snake(c)} = null`)
    .join(', '),
);

/** What an erasure leaves of an event of the person: that it was, and of what kind. */
const ERASED_EVENT_DATA = JSON.stringify({ erased: true });

/**
 * Erases a person's data in one transaction, under the workspace's sync lock (no sync chunk writes
 * them meanwhile): their cards (and so their versions; the public addresses answer 410), photo,
 * memberships and change history are deleted, their events keep only their type and ids, and the
 * recipient row keeps only its id, status `deleted` and a placeholder email. One change row says
 * that an erasure happened, and nothing of what was erased. A later sync of a group the person is
 * still in creates them anew: take them out of the Entra group first.
 */
export async function eraseRecipient(db: Db, workspaceId: string, recipientId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockWorkspaceForSync(trx, workspaceId);
    const found = await trx
      .selectFrom('recipients')
      .select('id')
      .where('workspaceId', '=', workspaceId)
      .where('id', '=', recipientId)
      .forUpdate()
      .executeTakeFirst();
    if (!found) return false;
    const cardIds = (
      await trx.selectFrom('cards').select('id').where('recipientId', '=', recipientId).execute()
    ).map((c) => c.id);
    await sql`
      update events set data = ${ERASED_EVENT_DATA}::jsonb, content_hash = null, slug_key = null
      where workspace_id = ${workspaceId}::uuid
        and (recipient_id = ${recipientId}::uuid or card_id = any(${cardIds}::uuid[]))`.execute(trx);
    await trx.deleteFrom('cards').where('recipientId', '=', recipientId).execute();
    // the bytes go too, unless someone else's photo is the same content
    await deletePhotos(trx, [recipientId]);
    await trx.deleteFrom('groupMemberships').where('recipientId', '=', recipientId).execute();
    await trx.deleteFrom('recipientChanges').where('recipientId', '=', recipientId).execute();
    await trx.deleteFrom('recipientsEdited').where('recipientId', '=', recipientId).execute();
    await sql`
      update recipients set ${CLEARED_PROFILE}, email = ${`erased-${recipientId}@erased.invalid`},
        entra_user_id = null, status = 'deleted', status_reason = 'erased', photo_hash = null,
        custom_fields = '{}', locked_fields = '{}', account_enabled = null, user_type = null,
        entra_source_hash = null, updated_at = now()
      where id = ${recipientId}::uuid`.execute(trx);
    await trx
      .insertInto('recipientChanges')
      .values({
        workspaceId,
        recipientId,
        action: 'erased',
        source: 'manual',
        reason: "the person's data was erased",
      })
      .execute();
    return true;
  });
}
