import type { Transaction } from 'kysely';
import type { Db } from '../db/database';
import type { Database } from '../db/schema';
import type { SyncCounts } from '../contracts/sync-runs';
import {
  loadCardTargets,
  setCardSourceKeys,
  writeCards,
  type KeyedCard,
} from '../db/repositories/card-writes';
import { lockWorkspaceForSync } from '../db/repositories/recipient-writes';
import { addRunCounts } from '../db/repositories/sync-run-progress';
import { planCardWrite, type CardWrite } from '../domain/plan-card-write';
import { timeOrderedId } from '../db/time-ordered-id';

/** What one chunk's cards need, decided from one read. */
export interface CardChunkPlan {
  writes: CardWrite[];
  /** Unchanged cards rendered before their inputs were keyed: their key is recorded. */
  keyed: KeyedCard[];
  /** Cards already in their due state (not counted by the group's scan). */
  unchanged: number;
}

/**
 * Reads every card of these recipients (in every group) and decides its due state: rendered from
 * the group's template, a new version only on change. Takes no lock: the read of the next chunk
 * overlaps the writing of the current one, and writeCardChunk writes each card only if what it was
 * decided from still holds.
 */
export async function planCardChunk(
  db: Db | Transaction<Database>,
  workspaceId: string,
  recipientIds: string[],
  /** The group whose cards queueCardRecipients scanned and counted as unchanged already. */
  scannedGroupId: string | null = null,
): Promise<CardChunkPlan> {
  const plan: CardChunkPlan = { writes: [], keyed: [], unchanged: 0 };
  for (const target of await loadCardTargets(db, workspaceId, recipientIds)) {
    const decision = planCardWrite(target, timeOrderedId);
    if (decision.kind === 'none') continue;
    if ('cardId' in decision) {
      plan.writes.push(decision);
      continue;
    }
    const card = target.card!;
    if (card.sourceKey !== target.sourceKey)
      plan.keyed.push({ cardId: card.id, version: card.version, sourceKey: target.sourceKey });
    else if (target.groupId === scannedGroupId) continue;
    plan.unchanged += 1;
  }
  return plan;
}

/**
 * Writes a chunk's plan under the workspace's sync lock (shared while the run's other chunks are
 * written alongside) and adds to the run's counts what was
 * written. A card whose inputs changed since the plan was read (another sync or an edit got there
 * first) is left as it is: whoever changed them reconciles it, or the group's next scan finds its
 * key out of date.
 */
export async function writeCardChunk(
  trx: Transaction<Database>,
  workspaceId: string,
  syncRunId: string,
  plan: CardChunkPlan,
  lock: 'exclusive' | 'shared' = 'exclusive',
): Promise<Partial<SyncCounts>> {
  await lockWorkspaceForSync(trx, workspaceId, lock);
  const written = await writeCards(trx, workspaceId, syncRunId, plan.writes);
  await setCardSourceKeys(trx, plan.keyed);
  const counts: Partial<SyncCounts> = {};
  if (written.create) counts.cardsCreated = written.create;
  if (written.update) counts.cardsUpdated = written.update;
  if (written.deactivate) counts.cardsDeactivated = written.deactivate;
  if (plan.unchanged) counts.cardsUnchanged = plan.unchanged;
  await addRunCounts(trx, syncRunId, counts);
  return counts;
}
