import { log } from '@temporalio/activity';
import type { CountsResult, GroupRunScope } from '../../contracts/activity-scope';
import { loadSyncFieldSettings } from '../../db/repositories/field-settings';
import { countMembers } from '../../db/repositories/group-memberships';
import { tallyCleanupCases } from '../../db/repositories/staged-members';
import { readRunState, setRunPhase } from '../../db/repositories/sync-run-progress';
import { recordHeldPlan } from '../../engine/held-plan';
import { checkDeletionThreshold, cleanupEffect, cleanupOutcome } from '../../domain/cleanup-policy';
import { graphSelectFor } from '../../domain/graph-source';
import type { SyncType } from '../../domain/sync-type';
import { listingAppliedAhead, readCheckpoint } from '../../engine/checkpoints';
import { stageDepartedMembers } from '../../engine/departed-members';
import type { ActivityDeps } from '../../engine/deps';
import { classifyErrors } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';
import { requireLinkedGroup } from '../../engine/linked-group';
import { lazyEntraClient } from '../../engine/open-entra-client';

export interface CleanUpPlan extends CountsResult {
  /** Recipients cleanup would deactivate, delete or take out of the group. */
  wouldRemove: number;
  memberCount: number;
  exceedsThreshold: boolean;
  reason: string;
  /** The cleanup by effect, one per recipient (cleanupOutcome); the three add up to wouldRemove. */
  wouldDeactivate?: number;
  wouldDelete?: number;
  wouldRemoveFromGroup?: number;
  /** How long the workflow waits for approval when held (the group's Sync Options). */
  approvalTimeoutHours?: number;
}

export interface PlanCleanUpInput extends GroupRunScope {
  /** A delta run staged its departures from groups/delta and users/delta already: no scan. */
  syncType?: SyncType;
}

/**
 * Stages members that left the group or the directory (engine/departed-members.ts) and weighs the
 * whole cleanup against the deletion threshold (as a share of the group's memberships, also after
 * a delta read). Applies nothing.
 */
export function createPlanCleanUpActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function planCleanUp(scope: PlanCleanUpInput): Promise<CleanUpPlan> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId, groupId } = scope;
        await setRunPhase(db, syncRunId, 'planning_cleanup');
        const group = await requireLinkedGroup(db, workspaceId, groupId);
        const state = await readRunState(db, syncRunId);
        // A group without members when its listing began has no former members, whatever the
        // listing applied meanwhile: it is weighed as it was then.
        const emptyBefore = scope.syncType !== 'delta' && listingAppliedAhead(state).applied;
        const cp = {
          after: '',
          done: scope.syncType === 'delta' || emptyBefore,
          ...readCheckpoint(state, 'planCleanUp'),
        };
        if (!cp.done) {
          const select = graphSelectFor(await loadSyncFieldSettings(db, workspaceId));
          const client = lazyEntraClient(deps, workspaceId, syncRunId);
          await stageDepartedMembers({ db, client, syncRunId, groupId, select, progress }, cp);
        }

        const options = group.syncOptions;
        const by = { deactivate: 0, delete: 0, remove_from_group: 0 };
        for (const t of await tallyCleanupCases(db, workspaceId, groupId, syncRunId)) {
          const outcome = cleanupOutcome(cleanupEffect(t.kind, options), {
            status: t.status,
            isMember: t.isMember,
          });
          if (outcome) by[outcome] += t.n;
        }
        const wouldRemove = by.deactivate + by.delete + by.remove_from_group;
        const memberCount = emptyBefore ? 0 : await countMembers(db, groupId);
        const verdict = checkDeletionThreshold(options.deletionThreshold, wouldRemove, memberCount);
        const breakdown = {
          wouldDeactivate: by.deactivate,
          wouldDelete: by.delete,
          wouldRemoveFromGroup: by.remove_from_group,
        };
        if (verdict.exceeds) {
          await recordHeldPlan(
            db,
            { workspaceId, groupId, syncRunId, options },
            {
              reason: verdict.reason,
              threshold: options.deletionThreshold,
              ...breakdown,
              outcome: null,
            },
          );
        }
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
          ...breakdown,
          approvalTimeoutHours: options.approvalTimeoutHours,
        };
      }),
    );
  };
}
