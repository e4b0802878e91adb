import type { Db, Trx } from '../db/database';
import {
  setCardSourceKeys,
  writeCards,
  type KeyedCard,
  type WrittenCards,
} from '../db/repositories/card-writes';
import { lockWorkspaceForSync } from '../db/repositories/recipient-writes';
import {
  findWorkspaceCardId,
  loadWorkspaceCardTargets,
  staleWorkspaceCardRecipients,
  writeWorkspaceCards,
} from '../db/repositories/workspace-card-writes';
import { timeOrderedId } from '../db/time-ordered-id';
import { planCardWrite, type CardWrite } from '../domain/plan-card-write';
import { planCardChunk } from './card-chunks';

/**
 * Card writes an admin's request makes at once, outside any run (versions and events carry no run
 * id): the same decisions and guarded writes as a sync's card chunks, under the workspace's sync
 * lock held exclusively, so they never interleave with a run's chunk.
 */

/**
 * Brings every card of these recipients (group and workspace cards) to its due state inside the
 * caller's transaction, e.g. after a status change the caller just wrote.
 */
export async function reconcileCardsNow(
  trx: Trx,
  workspaceId: string,
  recipientIds: string[],
): Promise<WrittenCards> {
  await lockWorkspaceForSync(trx, workspaceId, 'exclusive');
  const plan = await planCardChunk(trx, workspaceId, recipientIds);
  const written = await writeCards(trx, workspaceId, null, plan.writes);
  await setCardSourceKeys(trx, plan.keyed);
  return written;
}

export type NewWorkspaceCard =
  { created: string } | { existing: string } | { inactive: true } | { noRecipient: true };

/** Gives the recipient its workspace card, rendered from the workspace's template, unless it has one. */
export async function createWorkspaceCard(
  db: Db,
  workspaceId: string,
  recipientId: string,
): Promise<NewWorkspaceCard> {
  return db.transaction().execute(async (trx) => {
    await lockWorkspaceForSync(trx, workspaceId, 'exclusive');
    const existing = await findWorkspaceCardId(trx, workspaceId, recipientId);
    if (existing) return { existing };
    const [target] = await loadWorkspaceCardTargets(trx, workspaceId, [recipientId], { create: true });
    if (!target) return { noRecipient: true };
    const decision = planCardWrite(target, timeOrderedId);
    if (decision.kind !== 'create') return { inactive: true };
    await writeWorkspaceCards(trx, workspaceId, null, [decision]);
    return { created: decision.cardId };
  });
}

/** Recipients per transaction when a template change renders the workspace cards again. */
const RERENDER_CHUNK = 500;

/**
 * Renders again every workspace card whose inputs changed (after a template change), chunk by
 * chunk, each in its own transaction. Only stale cards are read, so asking again after an
 * interruption finishes the job. Returns how many cards got a new version.
 */
export async function rerenderWorkspaceCards(db: Db, workspaceId: string): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let written = 0;
  for (;;) {
    const ids = await staleWorkspaceCardRecipients(db, workspaceId, after, RERENDER_CHUNK);
    if (!ids.length) return written;
    written += await db.transaction().execute(async (trx) => {
      await lockWorkspaceForSync(trx, workspaceId, 'exclusive');
      const writes: CardWrite[] = [];
      const keyed: KeyedCard[] = [];
      for (const target of await loadWorkspaceCardTargets(trx, workspaceId, ids)) {
        const decision = planCardWrite(target, timeOrderedId);
        if ('cardId' in decision) writes.push(decision);
        // Renders to what it holds (e.g. a template change in a field it has no value for).
        else if (decision.kind === 'unchanged' && target.card!.sourceKey !== target.sourceKey)
          keyed.push({ cardId: target.card!.id, version: target.card!.version, sourceKey: target.sourceKey });
      }
      const counts = await writeWorkspaceCards(trx, workspaceId, null, writes);
      await setCardSourceKeys(trx, keyed);
      return Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    });
    after = ids.at(-1)!;
  }
}
