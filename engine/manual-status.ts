import type { Db } from '../db/database';
import { lockRecipientStatus, writeManualStatus } from '../db/repositories/recipient-status';
import { lockWorkspaceForSync } from '../db/repositories/recipient-writes';
import { planManualStatus, type ManualStatusAction } from '../domain/manual-status';
import { reconcileCardsNow } from './cards-now';

export type ManualStatusResult =
  { kind: 'changed' | 'unchanged' } | { kind: 'refused'; detail: string } | { kind: 'not_found' };

/**
 * An admin's deactivate, reactivate or delete, in one transaction with what follows from it: the
 * change history line and every card of the recipient (group and workspace cards) brought to its
 * due state, with a version and an outbox event each (card.deactivated, or card.updated when
 * active again).
 */
export async function applyManualStatus(
  db: Db,
  workspaceId: string,
  id: string,
  action: ManualStatusAction,
): Promise<ManualStatusResult> {
  return db.transaction().execute(async (trx) => {
    // The sync lock first, as a sync's writers take it, then the row.
    await lockWorkspaceForSync(trx, workspaceId, 'exclusive');
    const current = await lockRecipientStatus(trx, workspaceId, id);
    if (!current) return { kind: 'not_found' };
    const plan = planManualStatus(current, action);
    if (plan.kind !== 'change') return plan;
    await writeManualStatus(trx, {
      workspaceId,
      id,
      entraUserId: current.entraUserId,
      from: current.status,
      status: plan.status,
      statusReason: plan.statusReason,
      action: plan.action,
    });
    await reconcileCardsNow(trx, workspaceId, [id]);
    return { kind: 'changed' };
  });
}
