import { log } from '@temporalio/activity';
import type { CountsResult, RunScope } from '../../contracts/activity-scope';
import { loadSyncFieldSettings } from '../../db/repositories/field-settings';
import { readRunState, setRunPhase } from '../../db/repositories/sync-run-progress';
import { refreshStatistics } from '../../db/repositories/table-statistics';
import { fieldSettingsFingerprint, photosChecked } from '../../domain/field-settings';
import { applyScopeOf } from '../../engine/apply-users';
import { listingAppliedAhead, readCheckpoint } from '../../engine/checkpoints';
import type { ActivityDeps } from '../../engine/deps';
import { classifyErrors } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';
import { requireLinkedGroup } from '../../engine/linked-group';
import { lazyEntraClient } from '../../engine/open-entra-client';
import { APPLY_CHUNK, applyStagedMembers } from '../../engine/staged-apply';

export interface ApplyFieldSettingsInput extends RunScope {
  /** Group syncs make members of this group; imports and recipient syncs have none. */
  groupId?: string;
  /**
   * Whose photos to download when the photo field syncs: people new to the workspace, or everyone
   * applied (recipient syncs). A group run checks everyone it applies either way (photosChecked).
   */
  photos: 'new' | 'all';
}

/** Chunks written in one run after which the tables' planner statistics are refreshed. */
const STATISTICS_AFTER_CHUNKS = 3;

/**
 * Applies Field Settings to the run's staged members (engine/staged-apply.ts). Members applied
 * before from the same data under the same settings were staged as passed over (stageUsers) or are
 * passed over by the read (readMembersToApply); recipient syncs, which also refresh photos, apply
 * everyone in full.
 */
export function createApplyFieldSettingsActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function applyFieldSettings(input: ApplyFieldSettingsInput): Promise<CountsResult> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId } = input;
        await setRunPhase(db, syncRunId, 'applying_field_settings');
        const settings = await loadSyncFieldSettings(db, workspaceId);
        const group = input.groupId ? await requireLinkedGroup(db, workspaceId, input.groupId) : null;
        const scope = applyScopeOf(syncRunId, workspaceId, settings, group);
        const photos = group ? photosChecked(settings, 'group') : input.photos;
        const state = await readRunState(db, syncRunId);
        const photosCheckedAhead = readCheckpoint(state, 'fetchMembers').photosCheckedAhead === true;
        let cp = { after: '', done: false, chunks: 0, ...readCheckpoint(state, 'applyFieldSettings') };
        if (!cp.done) {
          cp = await applyStagedMembers(
            {
              db,
              scope,
              chunkScope: {
                syncRunId,
                workspaceId,
                groupId: scope.groupId,
                // everyone's photo is checked: in full, unless the listing checked them ahead
                fingerprint:
                  photos === 'all' && !photosCheckedAhead ? null : fieldSettingsFingerprint(settings),
                photosCheckedAhead,
              },
              photos,
              client: lazyEntraClient(deps, workspaceId, syncRunId),
              progress,
            },
            cp,
          );
        }
        // A big first sync grows recipients and memberships from nothing: let the planner know,
        // also when its listing applied nearly everyone ahead (docs/sync.md, "applying ahead").
        const { counts } = await readRunState(db, syncRunId);
        const appliedAhead =
          listingAppliedAhead(state).applied &&
          (counts.membersFetched ?? 0) >= STATISTICS_AFTER_CHUNKS * APPLY_CHUNK;
        if (cp.chunks >= STATISTICS_AFTER_CHUNKS || appliedAhead)
          await refreshStatistics(db, ['recipients', 'group_memberships']);
        log.info('field settings applied', { syncRunId, chunks: cp.chunks, counts });
        return { counts };
      }),
    );
  };
}
