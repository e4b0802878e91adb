import { log } from '@temporalio/activity';
import type { GroupRunScope } from '../../contracts/activity-scope';
import { PREVIEW_COUNT_NAMES, type PreviewCounts } from '../../contracts/sync-runs';
import { loadSyncFieldSettings } from '../../db/repositories/field-settings';
import { readRunState, setRunPhase } from '../../db/repositories/sync-run-progress';
import { fieldSettingsFingerprint, photosChecked } from '../../domain/field-settings';
import { readCheckpoint } from '../../engine/checkpoints';
import type { ActivityDeps } from '../../engine/deps';
import { classifyErrors } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';
import { requireLinkedGroup } from '../../engine/linked-group';
import { planStagedPreview } from '../../engine/preview-plan';

/**
 * A preview's planning (engine/preview-plan.ts): what a group sync started now would do with the
 * members fetchMembers staged and the cases planCleanUp staged, recorded as planned changes and
 * the run's `would*` counts. Writes nothing else.
 */
export function createPlanPreviewActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function planPreview(input: GroupRunScope): Promise<{ counts: PreviewCounts }> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId, groupId } = input;
        await setRunPhase(db, syncRunId, 'planning_changes');
        const group = await requireLinkedGroup(db, workspaceId, groupId);
        const settings = await loadSyncFieldSettings(db, workspaceId);
        const state = await readRunState(db, syncRunId);
        const from = {
          step: 'members' as const,
          after: '',
          done: false,
          ...readCheckpoint(state, 'planPreview'),
        };
        await planStagedPreview(
          {
            db,
            syncRunId,
            workspaceId,
            group,
            settings,
            fingerprint:
              photosChecked(settings, 'group') === 'all' ? null : fieldSettingsFingerprint(settings),
            progress,
          },
          from,
        );
        const stored = (await readRunState(db, syncRunId)).counts;
        const counts = Object.fromEntries(
          PREVIEW_COUNT_NAMES.map((n) => [n, Number(stored[n] ?? 0)]),
        ) as Record<keyof PreviewCounts, number>;
        log.info('preview planned', { syncRunId, counts });
        return { counts };
      }),
    );
  };
}
