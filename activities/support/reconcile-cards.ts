import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database, SyncCounts } from '../../db/schema';
import { loadCardTargets, setCardSourceKeys, writeCards } from '../../db/repositories/card-writes';
import { lockWorkspaceForSync } from '../../db/repositories/recipient-writes';
import { addRunCounts } from '../../db/repositories/sync-run-progress';
import { planCardWrite, type CardWrite } from '../../sync/plan-card-write';

const COUNT_OF = {
  create: 'cardsCreated',
  update: 'cardsUpdated',
  deactivate: 'cardsDeactivated',
  unchanged: 'cardsUnchanged',
} as const;

/**
 * Brings every card of these recipients (in every group) to its due state, in the caller's
 * transaction: rendered from the group's template, a new version and outbox event only on change.
 */
export async function reconcileCards(
  trx: Transaction<Database>,
  workspaceId: string,
  syncRunId: string,
  recipientIds: string[],
  /** The group whose cards queueCardRecipients scanned and counted as unchanged already. */
  scannedGroupId: string | null = null,
): Promise<Partial<SyncCounts>> {
  await lockWorkspaceForSync(trx, workspaceId);
  const counts: Partial<Record<keyof SyncCounts, number>> = {};
  const writes: CardWrite[] = [];
  const keyed: Array<{ cardId: string; sourceKey: string }> = [];
  for (const target of await loadCardTargets(trx, workspaceId, recipientIds)) {
    const decision = planCardWrite(target, randomUUID);
    if (decision.kind === 'none') continue;
    const countedByScan =
      decision.kind === 'unchanged' &&
      target.groupId === scannedGroupId &&
      target.card?.sourceKey === target.sourceKey;
    if (countedByScan) continue;
    const key = COUNT_OF[decision.kind];
    counts[key] = (counts[key] ?? 0) + 1;
    if ('cardId' in decision) writes.push(decision);
    else if (target.card && target.card.sourceKey !== target.sourceKey)
      keyed.push({ cardId: target.card.id, sourceKey: target.sourceKey });
  }
  await writeCards(trx, workspaceId, syncRunId, writes);
  await setCardSourceKeys(trx, keyed);
  await addRunCounts(trx, syncRunId, counts);
  return counts;
}
