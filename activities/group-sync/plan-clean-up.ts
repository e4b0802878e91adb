import { log } from '@temporalio/activity';
import { stageDeparted, type DepartedMember } from '../../db/repositories/staged-members';
import {
  countMembers,
  loadSyncFieldSettings,
  loadSyncGroup,
  readDepartedCandidates,
  tallyCleanupCases,
} from '../../db/repositories/sync-context';
import {
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
} from '../../db/repositories/sync-run-progress';
import type { EntraClient } from '../../graph/entra-client';
import { checkDeletionThreshold, cleanupChangesSomething, cleanupEffect } from '../../domain/cleanup-policy';
import { graphSelectFor } from '../../domain/graph-source';
import type { SyncType } from '../../domain/sync-type';
import type { ActivityDeps } from '../../engine/deps';
import { listingAppliedAhead } from './fetch-members';
import type { CountsResult, GroupRunScope } from '../../contracts/activity-scope';
import { openEntraClient } from '../../engine/open-entra-client';
import { classifyErrors, notRetryable } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';

export interface CleanUpPlan extends CountsResult {
  /** Recipients cleanup would deactivate, delete or take out of the group. */
  wouldRemove: number;
  memberCount: number;
  exceedsThreshold: boolean;
  reason: string;
}

/**
 * Former members looked up per chunk (the Graph client batches them 20 per $batch request). Each
 * chunk's read is an anti-join over the group's memberships (about 200 ms at 100,000 members), so
 * chunks are large.
 */
const DEPARTED_CHUNK = 2000;

export interface PlanCleanUpInput extends GroupRunScope {
  /** A delta run staged its departures from groups/delta and users/delta already: no scan. */
  syncType?: SyncType;
}

/**
 * Finds members that left the group (still in the directory) or the directory (lookup answers
 * null), stages them, and weighs the whole cleanup against the deletion threshold (as a share of
 * the group's memberships, also after a delta read). Applies nothing.
 */
export function createPlanCleanUpActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function planCleanUp(scope: PlanCleanUpInput): Promise<CleanUpPlan> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId, groupId } = scope;
        await setRunPhase(db, syncRunId, 'planning_cleanup');
        const group = await loadSyncGroup(db, workspaceId, groupId);
        if (!group) throw notRetryable('invalid_input', `group ${groupId} is not linked in this workspace`);
        const state = await readRunState(db, syncRunId);
        // A group without members when its listing began has no former members, whatever the
        // listing applied meanwhile (FetchCheckpoint.applyAhead): it is weighed as it was then.
        const emptyBefore = scope.syncType !== 'delta' && listingAppliedAhead(state).applied;
        let cp = {
          after: '',
          done: scope.syncType === 'delta' || emptyBefore,
          ...phaseCheckpoint<{ after: string; done: boolean }>(state, 'planCleanUp'),
        };
        let client: EntraClient | null = null;
        const select = graphSelectFor(await loadSyncFieldSettings(db, workspaceId));
        while (!cp.done) {
          progress.throwIfCancelled();
          const candidates = await readDepartedCandidates(db, groupId, syncRunId, cp.after, DEPARTED_CHUNK);
          const next = {
            after: candidates.at(-1)?.entraUserId ?? cp.after,
            done: candidates.length < DEPARTED_CHUNK,
          };
          let departed: DepartedMember[] = [];
          if (candidates.length) {
            client ??= await openEntraClient(deps, workspaceId);
            const found = await client.getUsersByIds(
              candidates.map((c) => c.entraUserId),
              select,
            );
            departed = candidates.map((c) => {
              const user = found.get(c.entraUserId) ?? null;
              return {
                entraUserId: c.entraUserId,
                recipientId: c.recipientId,
                change: user ? 'removed' : 'deleted',
                data: user,
              };
            });
          }
          await db.transaction().execute(async (trx) => {
            await stageDeparted(trx, syncRunId, departed);
            await setCheckpoint(trx, syncRunId, 'planCleanUp', next);
          });
          cp = next;
          progress.set({ after: cp.after });
        }

        const options = group.syncOptions;
        let wouldRemove = 0;
        for (const t of await tallyCleanupCases(db, workspaceId, groupId, syncRunId)) {
          if (
            cleanupChangesSomething(cleanupEffect(t.kind, options), {
              status: t.status,
              isMember: t.isMember,
            })
          )
            wouldRemove += t.n;
        }
        const memberCount = emptyBefore ? 0 : await countMembers(db, groupId);
        const verdict = checkDeletionThreshold(options.deletionThreshold, wouldRemove, memberCount);
        log.info('cleanup planned', {
          syncRunId,
          wouldRemove,
          memberCount,
          exceedsThreshold: verdict.exceeds,
        });
        return {
          counts: (await readRunState(db, syncRunId)).counts,
          wouldRemove,
          memberCount,
          exceedsThreshold: verdict.exceeds,
          reason: verdict.reason,
        };
      }),
    );
  };
}
