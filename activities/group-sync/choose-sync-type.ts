import { log } from '@temporalio/activity';
import type { GroupRunScope } from '../../contracts/activity-scope';
import { loadSyncFieldSettings } from '../../db/repositories/field-settings';
import { readRunState, setSyncPlan } from '../../db/repositories/sync-run-progress';
import { decideSyncType, deltaLinksBasis, DEFAULT_FULL_SYNC_INTERVAL_MS } from '../../domain/sync-type';
import { readCheckpoint, type SyncPlan } from '../../engine/checkpoints';
import type { ActivityDeps } from '../../engine/deps';
import { requireLinkedGroup } from '../../engine/linked-group';

export interface ChooseSyncTypeInput extends GroupRunScope {
  /** The starter asked for a full read. */
  full: boolean;
}

/**
 * Decides whether the group run reads changes (delta) or every member (full), and records the
 * decision in the run (sync_type and the checkpoint's reason) once: a retry answers the same.
 */
export function createChooseSyncTypeActivity({ db, fullSyncIntervalMs }: ActivityDeps) {
  return async function chooseSyncType(input: ChooseSyncTypeInput): Promise<SyncPlan> {
    const { syncRunId, workspaceId, groupId } = input;
    const recorded = readCheckpoint(await readRunState(db, syncRunId), 'syncPlan');
    if (recorded.syncType && recorded.reason) return recorded as SyncPlan;

    const group = await requireLinkedGroup(db, workspaceId, groupId);
    const basis = deltaLinksBasis(
      group.syncOptions,
      await loadSyncFieldSettings(db, workspaceId),
      group.cardTemplate,
    );
    const decision = decideSyncType({
      forceFull: input.full,
      options: group.syncOptions,
      links: { members: group.membersDeltaLink, users: group.usersDeltaLink, basis: group.deltaLinksBasis },
      basis,
      lastFullSyncAt: group.lastFullSyncAt,
      now: new Date(),
      fullSyncIntervalMs: fullSyncIntervalMs ?? DEFAULT_FULL_SYNC_INTERVAL_MS,
    });
    // Nested groups: groups/delta of the parent does not show transitive changes, so no links.
    const plan: SyncPlan = { ...decision, basis: group.syncOptions.includeNestedGroups ? null : basis };
    await setSyncPlan(db, syncRunId, { ...plan });
    log.info('sync type chosen', { syncRunId, groupId, syncType: plan.syncType, reason: plan.reason });
    return plan;
  };
}
