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
import { reconcileCards } from './support/reconcile-cards';

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
 * cards may be due (queueCardRecipients), then works through the queue in chunks, each in one
 * transaction with the checkpoint. Never calls Microsoft Graph.
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
        while (!cp.done) {
          progress.throwIfCancelled();
          const ids = groupId
            ? await readCardQueue(db, syncRunId, cp.after, CARDS_CHUNK)
            : [input.recipientId!];
          const next = {
            after: ids.at(-1) ?? cp.after,
            done: !groupId || ids.length < CARDS_CHUNK,
            queued: cp.queued,
          };
          await commitChunk(db, { last: next.done }, async (trx) => {
            if (ids.length)
              await reconcileCards(
                trx,
                workspaceId,
                syncRunId,
                ids,
                input.touchedOnly ? null : (groupId ?? null),
              );
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
