import { commitChunk } from '../db/commit-chunk';
import type { Conn, Db, Trx } from '../db/database';
import type { SyncCounts } from '../contracts/sync-runs';
import {
  loadCardTargets,
  readCardQueue,
  setCardSourceKeys,
  writeCards,
  type KeyedCard,
} from '../db/repositories/card-writes';
import { lockWorkspaceForSync } from '../db/repositories/recipient-writes';
import { addRunCounts } from '../db/repositories/sync-run-progress';
import { planCardWrite, type CardWrite } from '../domain/plan-card-write';
import { timeOrderedId } from '../db/time-ordered-id';
import { writeCheckpoint, type Checkpoints } from './checkpoints';
import { writeInLanes, writeSharedThenAlone } from './chunk-lanes';
import type { Progress } from './heartbeat';

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
  db: Conn,
  workspaceId: string,
  recipientIds: string[],
  /** The group whose cards queueCardRecipients scanned and counted as unchanged already. */
  scannedGroupId: string | null = null,
  /** Give each recipient without a workspace card one (an import asked for cards). */
  createWorkspaceCards = false,
): Promise<CardChunkPlan> {
  const plan: CardChunkPlan = { writes: [], keyed: [], unchanged: 0 };
  for (const target of await loadCardTargets(db, workspaceId, recipientIds, { createWorkspaceCards })) {
    const decision = planCardWrite(target, timeOrderedId);
    if (decision.kind === 'none') continue;
    if ('cardId' in decision) {
      plan.writes.push(decision);
      continue;
    }
    const card = target.card!;
    if (card.sourceKey !== target.sourceKey)
      plan.keyed.push({ cardId: card.id, version: card.version, sourceKey: target.sourceKey });
    else if (scannedGroupId !== null && target.groupId === scannedGroupId) continue;
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
  trx: Trx,
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

const CARDS_CHUNK = 1000;
/**
 * Chunks written at once, under the workspace's sync lock held shared: a run's chunks hold
 * different people's cards, and every card write checks what it was decided from (writeCards).
 */
const CARD_LANES = 2;

type CardsCheckpoint = Checkpoints['updateCards'];

/**
 * Works through the run's card queue (or one recipient) in chunks, each planned ahead without the
 * lock and written in one transaction with the checkpoint, two at a time (writeInLanes).
 */
export async function reconcileCards(
  ctx: {
    db: Db;
    workspaceId: string;
    syncRunId: string;
    /** A group run reads its queue; a recipient run has one recipient. */
    source: { queueOf: string } | { recipientId: string };
    /** The group whose cards queueCardRecipients scanned and counted already. */
    scannedGroupId: string | null;
    /** Give each queued recipient without a workspace card one. */
    createWorkspaceCards?: boolean;
    progress: Progress;
  },
  from: CardsCheckpoint,
): Promise<CardsCheckpoint> {
  const { db, workspaceId, syncRunId, source, progress } = ctx;
  const { end } = await writeInLanes({
    lanes: CARD_LANES,
    after: from.after,
    beforeEach: () => progress.throwIfCancelled(),
    read: async (after) => {
      const ids =
        'queueOf' in source ? await readCardQueue(db, syncRunId, after, CARDS_CHUNK) : [source.recipientId];
      const plan = await planCardChunk(
        db,
        workspaceId,
        ids,
        ctx.scannedGroupId,
        ctx.createWorkspaceCards ?? false,
      );
      return {
        start: after,
        end: ids.at(-1) ?? after,
        last: !('queueOf' in source) || ids.length < CARDS_CHUNK,
        data: plan,
      };
    },
    write: async (chunk, resumeFrom) => {
      if (!chunk.data.writes.length && !chunk.data.keyed.length && !chunk.data.unchanged) return;
      // Two runs' chunks touching the same people's cards in another order can deadlock.
      await writeSharedThenAlone({ chunk: 'card', syncRunId }, (lock) =>
        commitChunk(db, { last: false }, async (trx) => {
          await writeCardChunk(trx, workspaceId, syncRunId, chunk.data, lock);
          await writeCheckpoint(trx, syncRunId, 'updateCards', {
            after: resumeFrom(),
            done: false,
            queued: from.queued,
          });
        }),
      );
      progress.set({ after: chunk.end });
    },
  });
  const next = { after: end, done: true, queued: from.queued };
  await commitChunk(db, { last: true }, (trx) => writeCheckpoint(trx, syncRunId, 'updateCards', next));
  return next;
}
