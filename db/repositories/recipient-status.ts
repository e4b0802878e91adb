import type { RecipientStatus } from '../../domain/recipient';
import type { Trx } from '../database';

/** The recipient's status, read under a row lock for a manual change; undefined when not in the workspace. */
export async function lockRecipientStatus(
  trx: Trx,
  workspaceId: string,
  id: string,
): Promise<{ status: RecipientStatus; statusReason: string | null; entraUserId: string | null } | undefined> {
  return trx
    .selectFrom('recipients')
    .select(['status', 'statusReason', 'entraUserId'])
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Sets a status an admin chose and records it in the change history (source `manual`). */
export async function writeManualStatus(
  trx: Trx,
  args: {
    workspaceId: string;
    id: string;
    entraUserId: string | null;
    from: RecipientStatus;
    status: RecipientStatus;
    statusReason: string | null;
    action: string;
  },
): Promise<void> {
  await trx
    .updateTable('recipients')
    .set({ status: args.status, statusReason: args.statusReason, updatedAt: new Date() })
    .where('id', '=', args.id)
    .execute();
  await trx
    .insertInto('recipientChanges')
    .values({
      workspaceId: args.workspaceId,
      recipientId: args.id,
      entraUserId: args.entraUserId,
      action: args.action,
      field: 'status',
      oldValue: args.from,
      newValue: args.status,
      reason: `${args.action} by an admin through the API`,
      source: 'manual',
    })
    .execute();
}
