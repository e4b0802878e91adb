import { log } from '@temporalio/activity';
import type { CountsResult, GroupRunScope } from '../../contracts/activity-scope';
import { loadSyncFieldSettings } from '../../db/repositories/field-settings';
import {
  clearRunWork,
  readRunState,
  setRunPhase,
  setSyncPlan,
} from '../../db/repositories/sync-run-progress';
import { graphSelectFor } from '../../domain/graph-source';
import type { SyncTypeReason } from '../../domain/sync-type';
import {
  readCheckpoint,
  writeCheckpoint,
  type DeltaCheckpoint,
  type SyncPlan,
} from '../../engine/checkpoints';
import { DeltaLinksExpired, readDeltaChanges } from '../../engine/delta-read';
import type { ActivityDeps } from '../../engine/deps';
import { classifyErrors } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';
import { requireLinkedGroup } from '../../engine/linked-group';
import { openEntraClient } from '../../engine/open-entra-client';

export type FetchDeltaResult =
  (CountsResult & { fellBack: false; groupName: string }) | (CountsResult & { fellBack: true });

const FIRST_STEP: DeltaCheckpoint = { step: 'members', link: null, membersDeltaLink: null, after: '' };

/**
 * Stages what changed since the group's last run (engine/delta-read.ts). A stored link Graph no
 * longer knows (delta_token_expired) turns the run into a full one: the staging is dropped, the run
 * record says `full` (reason `delta_token_expired`, `fellBack`), and the workflow runs fetchMembers.
 */
export function createFetchDeltaChangesActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function fetchDeltaChanges(scope: GroupRunScope): Promise<FetchDeltaResult> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId, groupId } = scope;
        const state = await readRunState(db, syncRunId);
        const plan = readCheckpoint(state, 'syncPlan') as SyncPlan;
        if (plan.fellBack) return { fellBack: true, counts: state.counts };
        await setRunPhase(db, syncRunId, 'fetching_changes');
        const group = await requireLinkedGroup(db, workspaceId, groupId);
        const cp: DeltaCheckpoint = { ...FIRST_STEP, ...readCheckpoint(state, 'fetchDelta') };
        if (cp.step === 'done') return { fellBack: false, counts: state.counts, groupName: group.name };

        /** Turns the run into a full one: nothing of the delta read stays. */
        const fallBack = async (reason: SyncTypeReason) => {
          await db.transaction().execute(async (trx) => {
            await clearRunWork(trx, syncRunId);
            await writeCheckpoint(trx, syncRunId, 'fetchDelta', FIRST_STEP);
            await setSyncPlan(trx, syncRunId, { ...plan, syncType: 'full', reason, fellBack: true });
          });
          return { fellBack: true as const, counts: (await readRunState(db, syncRunId)).counts };
        };
        // Only a run of the group could have cleared them since chooseSyncType, and runs don't overlap.
        const { membersDeltaLink, usersDeltaLink } = group;
        if (!membersDeltaLink || !usersDeltaLink || !plan.basis) return fallBack('no_delta_links');

        let groupName: string;
        try {
          groupName = await readDeltaChanges(
            {
              db,
              client: await openEntraClient(deps, workspaceId, syncRunId),
              syncRunId,
              workspaceId,
              group: { ...group, membersDeltaLink, usersDeltaLink },
              select: graphSelectFor(await loadSyncFieldSettings(db, workspaceId)),
              basis: plan.basis,
              progress,
            },
            cp,
          );
        } catch (err) {
          if (!(err instanceof DeltaLinksExpired)) throw err;
          log.warn('stored delta links expired; this run reads every member instead', { syncRunId, groupId });
          return fallBack('delta_token_expired');
        }
        const { counts } = await readRunState(db, syncRunId);
        log.info('delta changes fetched', { syncRunId, groupId, membersFetched: counts.membersFetched ?? 0 });
        return { fellBack: false, counts, groupName };
      }),
    );
  };
}
