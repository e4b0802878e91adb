import { log } from '@temporalio/activity';
import type { CountsResult, RunScope } from '../../contracts/activity-scope';
import { queueCardRecipients, queueStagedRecipients } from '../../db/repositories/card-writes';
import {
  addRunCounts,
  readRunState,
  setRunPhase,
  type RunState,
} from '../../db/repositories/sync-run-progress';
import { reconcileCards } from '../../engine/card-chunks';
import { listingAppliedAhead, readCheckpoint, writeCheckpoint } from '../../engine/checkpoints';
import type { ActivityDeps } from '../../engine/deps';
import { classifyErrors } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';

/**
 * Either a group's cards (its members, its card holders, everyone the run touched; only the touched
 * ones after a delta read), one recipient's, or those of everyone an import touched, each given a
 * workspace card (`workspaceCards`).
 */
export type UpdateCardsInput = RunScope &
  (
    | { groupId: string; touchedOnly?: boolean; recipientId?: never; workspaceCards?: never }
    | { recipientId: string; groupId?: never; touchedOnly?: never; workspaceCards?: never }
    | { workspaceCards: true; groupId?: never; touchedOnly?: never; recipientId?: never }
  );

const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Whether every member of the group is one the run touched (staged with its recipient): so after a
 * listing that began without members and applied them all, unless it started over, when members
 * applied before were staged again as passed over, without a recipient.
 */
function everyMemberTouched(state: RunState): boolean {
  const listing = listingAppliedAhead(state);
  return listing.applied && !listing.restarted;
}

/**
 * Re-renders cards and writes a version plus an outbox event only where the content (or the
 * card's active state) changed. A group run first queues, in one statement, the recipients whose
 * cards may be due (queueCardRecipients), then works through the queue (engine/card-chunks.ts).
 * Never calls Microsoft Graph.
 */
export function createUpdateCardsActivity({ db }: ActivityDeps) {
  return async function updateCards(input: UpdateCardsInput): Promise<CountsResult> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId, groupId } = input;
        await setRunPhase(db, syncRunId, 'updating_cards');
        const state = await readRunState(db, syncRunId);
        let cp = { after: NO_ID, done: false, queued: false, ...readCheckpoint(state, 'updateCards') };
        if (groupId && !cp.queued) {
          const next = { ...cp, queued: true };
          const queue = await db.transaction().execute(async (trx) => {
            const found = await queueCardRecipients(trx, {
              syncRunId,
              groupId,
              scan: input.touchedOnly ? 'none' : everyMemberTouched(state) ? 'cards' : 'members',
            });
            await addRunCounts(trx, syncRunId, { cardsUnchanged: found.unchanged });
            await writeCheckpoint(trx, syncRunId, 'updateCards', next);
            return found;
          });
          cp = next;
          log.info('card recipients queued', { syncRunId, ...queue });
        }
        if (input.workspaceCards && !cp.queued) {
          const next = { ...cp, queued: true };
          const queued = await db.transaction().execute(async (trx) => {
            const n = await queueStagedRecipients(trx, { syncRunId, workspaceId });
            await writeCheckpoint(trx, syncRunId, 'updateCards', next);
            return n;
          });
          cp = next;
          log.info('card recipients queued', { syncRunId, queued });
        }
        if (!cp.done) {
          cp = await reconcileCards(
            {
              db,
              workspaceId,
              syncRunId,
              source: input.recipientId ? { recipientId: input.recipientId } : { queueOf: syncRunId },
              scannedGroupId: input.touchedOnly ? null : (groupId ?? null),
              createWorkspaceCards: input.workspaceCards === true,
              progress,
            },
            cp,
          );
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
