import { log } from '@temporalio/activity';
import { readGroupCardRecipients, readRunCardRecipients } from '../db/repositories/card-writes';
import {
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
} from '../db/repositories/sync-run-progress';
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
 * card's active state) changed. Never calls Microsoft Graph.
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
          ...phaseCheckpoint<{ after: string; done: boolean }>(
            await readRunState(db, syncRunId),
            'updateCards',
          ),
        };
        while (!cp.done) {
          progress.throwIfCancelled();
          const ids = !input.groupId
            ? [input.recipientId!]
            : input.touchedOnly
              ? await readRunCardRecipients(db, syncRunId, cp.after, CARDS_CHUNK)
              : await readGroupCardRecipients(db, input.groupId, syncRunId, cp.after, CARDS_CHUNK);
          const next = { after: ids.at(-1) ?? cp.after, done: !input.groupId || ids.length < CARDS_CHUNK };
          await db.transaction().execute(async (trx) => {
            if (ids.length) await reconcileCards(trx, workspaceId, syncRunId, ids);
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
