import { log } from '@temporalio/activity';
import { loadSyncFieldSettings, loadSyncGroup } from '../../db/repositories/sync-context';
import { phaseCheckpoint, readRunState, setSyncPlan } from '../../db/repositories/sync-run-progress';
import {
  decideSyncType,
  deltaLinksBasis,
  DEFAULT_FULL_SYNC_INTERVAL_MS,
  type SyncType,
  type SyncTypeReason,
} from '../../domain/sync-type';
import type { ActivityDeps } from '../../engine/deps';
import type { GroupRunScope } from '../../contracts/activity-scope';
import { notRetryable } from '../../engine/errors';

export interface ChooseSyncTypeInput extends GroupRunScope {
  /** The starter asked for a full read. */
  full: boolean;
}

/** Kept in `sync_runs.checkpoint.syncPlan`; `sync_runs.sync_type` says the kind. */
export interface SyncPlan {
  syncType: SyncType;
  reason: SyncTypeReason;
  /** The settings basis new delta links are made under; null = make none (nested groups). */
  basis: string | null;
  /** The run was a delta and became full (its delta links had expired). */
  fellBack?: boolean;
}

/**
 * Decides whether the group run reads changes (delta) or every member (full), and records the
 * decision in the run (sync_type and the checkpoint's reason) once: a retry answers the same.
 */
export function createChooseSyncTypeActivity({ db, fullSyncIntervalMs }: ActivityDeps) {
  return async function chooseSyncType(input: ChooseSyncTypeInput): Promise<SyncPlan> {
    const { syncRunId, workspaceId, groupId } = input;
    const recorded = phaseCheckpoint<SyncPlan>(await readRunState(db, syncRunId), 'syncPlan');
    if (recorded.syncType && recorded.reason) return recorded as SyncPlan;

    const group = await loadSyncGroup(db, workspaceId, groupId);
    if (!group)
      throw notRetryable(
        'invalid_input',
        `group ${groupId} is not linked in this workspace; link it again with POST /v1/groups`,
      );
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
