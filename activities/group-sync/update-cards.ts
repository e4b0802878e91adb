import { log } from '@temporalio/activity';
import { queueCardRecipients, readCardQueue } from '../../db/repositories/card-writes';
import {
  addRunCounts,
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
  type RunState,
} from '../../db/repositories/sync-run-progress';
import { commitChunk } from '../../db/commit-chunk';
import type { ActivityDeps } from '../../engine/deps';
import { listingAppliedAhead } from './fetch-members';
import type { CountsResult, RunScope } from '../../contracts/activity-scope';
import { classifyErrors } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';
import { writeInLanes, writeSharedThenAlone } from '../../engine/chunk-lanes';
import { planCardChunk, writeCardChunk } from '../../engine/card-chunks';

/**
 * Either a group's cards (its members, its card holders, everyone the run touched; only the touched
 * ones after a delta read) or one recipient's.
 */
export type UpdateCardsInput = RunScope &
  (
    | { groupId: string; touchedOnly?: boolean; recipientId?: never }
    | { recipientId: string; groupId?: never; touchedOnly?: never }
  );

const CARDS_CHUNK = 1000;
/**
 * Chunks written at once, under the workspace's sync lock held shared: a run's chunks hold
 * different people's cards, and every card write checks what it was decided from (writeCards).
 */
const CARD_LANES = 2;
const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Whether every member of the group is one the run touched (staged with its recipient): so after a
 * listing that began without members and applied them all (FetchCheckpoint.applyAhead), unless it
 * started over, when members applied before were staged again as passed over, without a recipient.
 */
function everyMemberTouched(state: RunState): boolean {
  const listing = listingAppliedAhead(state);
  return listing.applied && !listing.restarted;
}

/**
 * Re-renders cards and writes a version plus an outbox event only where the content (or the
 * card's active state) changed. A group run first queues, in one statement, the recipients whose
 * cards may be due (queueCardRecipients), then works through the queue in chunks, each written in
 * one transaction with the checkpoint, two at a time (writeInLanes). Chunks are read and decided
 * ahead without the workspace lock; the write checks that what each card was decided from still
 * holds (writeCards). Never calls Microsoft Graph.
 */
export function createUpdateCardsActivity({ db }: ActivityDeps) {
  return async function updateCards(input: UpdateCardsInput): Promise<CountsResult> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId } = input;
        await setRunPhase(db, syncRunId, 'updating_cards');
        const state = await readRunState(db, syncRunId);
        let cp = {
          after: NO_ID,
          done: false,
          queued: false,
          ...phaseCheckpoint<{ after: string; done: boolean; queued: boolean }>(state, 'updateCards'),
        };
        const { groupId } = input;
        if (groupId && !cp.queued) {
          const next = { ...cp, queued: true };
          const queue = await db.transaction().execute(async (trx) => {
            const found = await queueCardRecipients(trx, {
              syncRunId,
              groupId,
              scan: input.touchedOnly ? 'none' : everyMemberTouched(state) ? 'cards' : 'members',
            });
            await addRunCounts(trx, syncRunId, { cardsUnchanged: found.unchanged });
            await setCheckpoint(trx, syncRunId, 'updateCards', next);
            return found;
          });
          cp = next;
          log.info('card recipients queued', { syncRunId, ...queue });
        }
        const scannedGroupId = input.touchedOnly ? null : (groupId ?? null);
        if (!cp.done) {
          const { end } = await writeInLanes({
            lanes: CARD_LANES,
            after: cp.after,
            beforeEach: () => progress.throwIfCancelled(),
            read: async (after) => {
              const ids = groupId
                ? await readCardQueue(db, syncRunId, after, CARDS_CHUNK)
                : [input.recipientId!];
              const plan = await planCardChunk(db, workspaceId, ids, scannedGroupId);
              return {
                start: after,
                end: ids.at(-1) ?? after,
                last: !groupId || ids.length < CARDS_CHUNK,
                data: plan,
              };
            },
            write: async (chunk, resumeFrom) => {
              if (!chunk.data.writes.length && !chunk.data.keyed.length && !chunk.data.unchanged) return;
              // Two runs' chunks touching the same people's cards in another order can deadlock.
              await writeSharedThenAlone({ chunk: 'card', syncRunId }, (lock) =>
                commitChunk(db, { last: false }, async (trx) => {
                  await writeCardChunk(trx, workspaceId, syncRunId, chunk.data, lock);
                  await setCheckpoint(trx, syncRunId, 'updateCards', {
                    after: resumeFrom(),
                    done: false,
                    queued: cp.queued,
                  });
                }),
              );
              progress.set({ after: chunk.end });
            },
          });
          const next = { after: end, done: true, queued: cp.queued };
          await commitChunk(db, { last: true }, (trx) => setCheckpoint(trx, syncRunId, 'updateCards', next));
          cp = next;
        }
        const { counts } = await readRunState(db, syncRunId);
        log.info('cards updated', {
          syncRunId,
          created: counts.cardsCreated ?? 0,
          updated: counts.cardsUpdated ?? 0,
        });
        return { counts };
      }),
    );
  };
}
