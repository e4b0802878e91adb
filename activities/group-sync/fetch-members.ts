import { log } from '@temporalio/activity';
import type { CountsResult, GroupRunScope } from '../../contracts/activity-scope';
import { loadSyncFieldSettings } from '../../db/repositories/field-settings';
import { readRunState, setRunPhase } from '../../db/repositories/sync-run-progress';
import { refreshStatistics } from '../../db/repositories/table-statistics';
import { fieldSettingsFingerprint } from '../../domain/field-settings';
import { graphSelectFor } from '../../domain/graph-source';
import { readCheckpoint, type ListingCheckpoint } from '../../engine/checkpoints';
import { deltaRoundsDone, finishDeltaRounds, openDeltaRounds } from '../../engine/delta-rounds';
import type { ActivityDeps } from '../../engine/deps';
import { classifyErrors } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';
import { requireLinkedGroup } from '../../engine/linked-group';
import { listGroupMembers, STATISTICS_AFTER_PAGES } from '../../engine/member-listing';
import { openEntraClient } from '../../engine/open-entra-client';
import { settleLater } from '../../engine/promises';

export interface FetchMembersInput extends GroupRunScope {
  /** Open delta rounds before the listing, so the run leaves delta links made under this basis. */
  deltaBasis?: string | null;
  /** A preview's fetch: no delta rounds, no applying ahead, the group's name left as stored. */
  forecast?: boolean;
}

/**
 * Stages every (transitive) user member of the group, page by page (engine/member-listing.ts).
 * With a `deltaBasis`, the delta rounds are opened before the first page and finished alongside
 * the listing (engine/delta-rounds.ts); the links reach the group when the run completes.
 */
export function createFetchMembersActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function fetchMembers(
    input: FetchMembersInput,
  ): Promise<CountsResult & { groupName: string }> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId, groupId } = input;
        await setRunPhase(db, syncRunId, 'fetching_members');
        const group = await requireLinkedGroup(db, workspaceId, groupId);
        const state = await readRunState(db, syncRunId);
        let cp: ListingCheckpoint = {
          nextLink: null,
          pages: 0,
          done: false,
          ...readCheckpoint(state, 'fetchMembers'),
        };
        const settings = await loadSyncFieldSettings(db, workspaceId);
        const select = graphSelectFor(settings);
        const client = await openEntraClient(deps, workspaceId, syncRunId);
        const roundsCtx =
          input.deltaBasis && !input.forecast
            ? { db, client, syncRunId, entraGroupId: group.entraGroupId, select, basis: input.deltaBasis }
            : null;
        // The group's details are read while the delta rounds open (both before the first page).
        const groupInfo = cp.done ? null : settleLater(client.getGroup(group.entraGroupId));
        const rounds = roundsCtx
          ? await openDeltaRounds(roundsCtx, state.checkpoint, cp.done || cp.pages > 0)
          : null;
        if (cp.done && (!rounds || deltaRoundsDone(rounds)))
          return { counts: (await readRunState(db, syncRunId)).counts, groupName: group.name };

        // The listing and the delta rounds run side by side; the first failure stops both.
        let failure: unknown = null;
        const stopOnFailure = (work: Promise<unknown>) =>
          work.catch((err: unknown) => {
            failure ??= err;
          });
        let groupName = group.name;
        let appliedAhead: { applied: number; left: number } | null = null;
        const listing = async () => {
          const listed = await listGroupMembers(
            {
              db,
              client,
              syncRunId,
              workspaceId,
              group,
              settings,
              select,
              fingerprint: fieldSettingsFingerprint(settings),
              maxPages: deps.graphLimits?.maxPages,
            },
            cp,
            { progress, groupInfo: groupInfo!, stopped: () => failure !== null, forecast: input.forecast },
          );
          ({ checkpoint: cp, groupName, appliedAhead } = listed);
        };
        await Promise.all([
          stopOnFailure(cp.done ? Promise.resolve() : listing()),
          stopOnFailure(
            roundsCtx && rounds && !deltaRoundsDone(rounds)
              ? finishDeltaRounds(roundsCtx, rounds, () => {
                  progress.throwIfCancelled();
                  return failure !== null;
                })
              : Promise.resolve(),
          ),
        ]);
        if (failure !== null) throw failure;

        // The staging table held another run's rows, or none, when it was last analyzed.
        if (cp.pages >= STATISTICS_AFTER_PAGES) await refreshStatistics(db, ['sync_staged_members']);
        const { counts } = await readRunState(db, syncRunId);
        log.info('members fetched', {
          syncRunId,
          pages: cp.pages,
          membersFetched: counts.membersFetched ?? 0,
          deltaLinks: rounds ? deltaRoundsDone(rounds) : false,
          appliedAhead,
        });
        return { counts, groupName };
      }),
    );
  };
}
