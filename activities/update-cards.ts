import { log } from '@temporalio/activity';
import { queueCardRecipients, readCardQueue } from '../db/repositories/card-writes';
import {
  addRunCounts,
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
} from '../db/repositories/sync-run-progress';
import { commitChunk } from '../db/commit-chunk';
import type { ActivityDeps } from './deps';
import type { CountsResult, RunScope } from './run-scope';
import { classifyErrors } from './support/errors';
import { withHeartbeat } from './support/heartbeat';
import { readAhead } from './support/read-ahead';
import { planCardChunk, writeCardChunk, type CardChunkPlan } from './support/reconcile-cards';

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
const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Re-renders cards and writes a version plus an outbox event only where the content (or the
 * card's active state) changed. A group run first queues, in one statement, the recipients whose
 * cards may be due (queueCardRecipients), then works through the queue in chunks, each written in
 * one transaction with the checkpoint. The next chunk is read and decided while the current one is
 * written, without the workspace lock; the write checks that what each card was decided from still
 * holds (writeCards). Never calls Microsoft Graph.
 */
export function createUpdateCardsActivity({ db }: ActivityDeps) {
  return async function updateCards(input: UpdateCardsInput): Promise<CountsResult> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId } = input;
        await setRunPhase(db, syncRunId, 'updating_cards');
        let cp = {
          after: NO_ID,
          done: false,
          queued: false,
          ...phaseCheckpoint<{ after: string; done: boolean; queued: boolean }>(
            await readRunState(db, syncRunId),
            'updateCards',
          ),
        };
        const { groupId } = input;
        if (groupId && !cp.queued) {
          const next = { ...cp, queued: true };
          const queue = await db.transaction().execute(async (trx) => {
            const found = await queueCardRecipients(trx, {
              syncRunId,
              groupId,
              touchedOnly: !!input.touchedOnly,
            });
            await addRunCounts(trx, syncRunId, { cardsUnchanged: found.unchanged });
            await setCheckpoint(trx, syncRunId, 'updateCards', next);
            return found;
          });
          cp = next;
          log.info('card recipients queued', { syncRunId, ...queue });
        }
        const scannedGroupId = input.touchedOnly ? null : (groupId ?? null);
        const readChunk = async (after: string) => {
          const ids = groupId ? await readCardQueue(db, syncRunId, after, CARDS_CHUNK) : [input.recipientId!];
          return { ids, plan: await planCardChunk(db, workspaceId, ids, scannedGroupId) };
        };
        let reading: Promise<{ ids: string[]; plan: CardChunkPlan }> | null = cp.done
          ? null
          : readChunk(cp.after);
        while (reading) {
          progress.throwIfCancelled();
          const { ids, plan } = await reading;
          const next = {
            after: ids.at(-1) ?? cp.after,
            done: !groupId || ids.length < CARDS_CHUNK,
            queued: cp.queued,
          };
          // The next chunk is read and rendered while this one is written.
          reading = next.done ? null : readAhead(() => readChunk(next.after));
          await commitChunk(db, { last: next.done }, async (trx) => {
            await writeCardChunk(trx, workspaceId, syncRunId, plan);
            await setCheckpoint(trx, syncRunId, 'updateCards', next);
          });
          cp = next;
          progress.set({ after: cp.after });
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
