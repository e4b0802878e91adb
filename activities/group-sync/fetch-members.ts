import { log } from '@temporalio/activity';
import { sql } from 'kysely';
import { stageUsers } from '../../db/repositories/staged-members';
import {
  hasMembers,
  loadSyncFieldSettings,
  loadSyncGroup,
  refreshGroupInfo,
} from '../../db/repositories/sync-context';
import {
  clearRunWork,
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
  addRunCounts,
  type RunState,
} from '../../db/repositories/sync-run-progress';
import { refreshStatistics } from '../../db/repositories/table-statistics';
import { EntraError } from '../../graph/errors';
import { DEFAULT_GRAPH_LIMITS, limitExceeded } from '../../graph/limits';
import type { GraphUser, Page } from '../../graph/types';
import { fieldSettingsFingerprint } from '../../domain/field-settings';
import { graphSelectFor } from '../../domain/graph-source';
import { commitChunk } from '../../db/commit-chunk';
import { startApplyAhead, type ApplyAhead } from '../../engine/apply-ahead';
import { applyScopeOf } from '../../engine/apply-users';
import { photosToApply } from '../../engine/photos';
import type { ActivityDeps } from '../../engine/deps';
import type { CountsResult, GroupRunScope } from '../../contracts/activity-scope';
import {
  deltaRoundsDone,
  finishDeltaRounds,
  openDeltaRounds,
  type DeltaRoundsContext,
} from '../../engine/delta-rounds';
import { openEntraClient } from '../../engine/open-entra-client';
import { settleLater } from '../../engine/promises';
import { classifyErrors, notRetryable } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';

/** A member page on its way; `nextLink` settles as soon as the link to the page after it is known. */
interface PageInFlight {
  page: Promise<Page<GraphUser>>;
  nextLink: Promise<string | null>;
}

interface FetchCheckpoint {
  nextLink: string | null;
  pages: number;
  done: boolean;
  /** How often an expired page link made the listing start over. */
  restarts?: number;
  /**
   * The group had no members when the listing began, so its members are applied while it pages
   * (support/apply-ahead.ts); planCleanUp then knows that no one can have left.
   */
  applyAhead?: boolean;
}

/**
 * What a run's listing recorded about applying ahead (FetchCheckpoint.applyAhead), for the phases
 * after it: whether the group had no members when the listing began, and whether the listing
 * started over since (members applied before were then staged again as passed over).
 */
export function listingAppliedAhead(state: RunState): { applied: boolean; restarted: boolean } {
  const cp = phaseCheckpoint<FetchCheckpoint>(state, 'fetchMembers');
  return { applied: cp.applyAhead === true, restarted: (cp.restarts ?? 0) > 0 };
}

/** How often an expired page link may restart the listing from the first page in one attempt. */
const MAX_RESTARTS = 3;
/** Pages requested ahead of the one being staged, at most (each is up to 999 users). */
const PAGES_AHEAD = 2;
/** Pages staged in one run after which the staging table's planner statistics are refreshed. */
const STATISTICS_AFTER_PAGES = 3;

export interface FetchMembersInput extends GroupRunScope {
  /** Open delta rounds before the listing, so the run leaves delta links made under this basis. */
  deltaBasis?: string | null;
}

/**
 * Pages through the group's (transitive) user members and stages each page, together with the
 * next link, in one transaction: a retried attempt resumes after the last staged page. With a
 * `deltaBasis`, the delta rounds are opened before the first page and finished alongside the
 * listing (support/delta-rounds.ts); the links reach the group when the run completes.
 */
export function createFetchMembersActivity(deps: ActivityDeps) {
  const { db } = deps;
  const maxPages = deps.graphLimits?.maxPages ?? DEFAULT_GRAPH_LIMITS.maxPages;
  return async function fetchMembers(
    input: FetchMembersInput,
  ): Promise<CountsResult & { groupName: string }> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId, groupId } = input;
        await setRunPhase(db, syncRunId, 'fetching_members');
        const group = await loadSyncGroup(db, workspaceId, groupId);
        if (!group)
          throw notRetryable(
            'invalid_input',
            `group ${groupId} is not linked in this workspace; link it again with POST /v1/groups`,
          );
        const state = await readRunState(db, syncRunId);
        let cp: FetchCheckpoint = {
          nextLink: null,
          pages: 0,
          done: false,
          ...phaseCheckpoint<FetchCheckpoint>(state, 'fetchMembers'),
        };
        const settings = await loadSyncFieldSettings(db, workspaceId);
        const select = graphSelectFor(settings);
        const fingerprint = fieldSettingsFingerprint(settings);
        const client = await openEntraClient(deps, workspaceId);
        const roundsCtx: DeltaRoundsContext | null = input.deltaBasis
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

        const listMembers = async () => {
          const excludeGuests = !group.syncOptions.includeGuests;
          cp.applyAhead ??= cp.pages === 0 && !(await hasMembers(db, groupId));
          const scope = applyScopeOf(syncRunId, workspaceId, settings, group);
          const applier = cp.applyAhead
            ? startApplyAhead({
                db,
                scope,
                photos: (users) => photosToApply(db, async () => client, scope, users, 'new'),
              })
            : null;
          try {
            await listPages(excludeGuests, applier);
          } catch (err) {
            await applier?.stop().catch(() => undefined);
            throw err;
          }
          if (applier) appliedAhead = await applier.stop();
        };

        const listPages = async (excludeGuests: boolean, applier: ApplyAhead | null) => {
          let restarts = 0;
          const restartsBefore = cp.restarts ?? 0;
          let stagedHere = 0;

          // A page's link to the next one arrives ahead of its users (collection-stream.ts): the
          // next page is requested then, while earlier pages are still parsed and staged, so a
          // slow staging does not hold the listing back. At most PAGES_AHEAD pages wait behind
          // the one being staged; a link that arrives while they do is requested once one is taken.
          const ahead: PageInFlight[] = [];
          let held: string | null = null;
          // Bumped when the listing starts over: links of the pages of an older listing are ignored.
          let listing = 0;
          const request = (nextLink: string | null) => {
            const of = listing;
            let early!: (link: string) => void;
            const linkAhead = new Promise<string>((resolve) => (early = resolve));
            const page = settleLater(
              client.listGroupUsers({
                groupId: group.entraGroupId,
                transitive: group.syncOptions.includeNestedGroups,
                select,
                nextLink,
                onNextLink: early,
              }),
            );
            const inFlight: PageInFlight = {
              page,
              nextLink: settleLater(Promise.race([linkAhead, page.then((p) => p.nextLink)])),
            };
            ahead.push(inFlight);
            inFlight.nextLink.then(
              (link) => {
                if (of !== listing || !link) return;
                if (ahead.length < PAGES_AHEAD) request(link);
                else held = link;
              },
              () => undefined,
            );
          };
          const requestHeld = () => {
            if (held === null || ahead.length >= PAGES_AHEAD) return;
            const link = held;
            held = null;
            request(link);
          };
          if (!cp.done) request(cp.nextLink);
          const info = await groupInfo!;
          groupName = info.displayName ?? group.name;
          await refreshGroupInfo(db, groupId, info.displayName, info.description);
          while (ahead.length > 0 && failure === null) {
            progress.throwIfCancelled();
            if (applier?.failure()) throw applier.failure();
            const current = ahead.shift()!;
            requestHeld();
            let page;
            try {
              page = await current.page;
            } catch (err) {
              if (
                !(err instanceof EntraError && err.code === 'skiptoken_expired') ||
                restarts >= MAX_RESTARTS
              )
                throw err;
              restarts++;
              log.warn('member page link expired; listing the group again from the first page', {
                syncRunId,
                pages: cp.pages,
              });
              cp = {
                nextLink: null,
                pages: 0,
                done: false,
                restarts: restartsBefore + restarts,
                applyAhead: cp.applyAhead,
              };
              await db.transaction().execute(async (trx) => {
                await clearRunWork(trx, syncRunId);
                await trx
                  .updateTable('syncRuns')
                  .set({ counts: sql`counts - 'membersFetched' - 'recipientsUnchanged'` })
                  .where('id', '=', syncRunId)
                  .execute();
                await setCheckpoint(trx, syncRunId, 'fetchMembers', { ...cp });
              });
              listing++;
              ahead.length = 0;
              held = null;
              request(null);
              continue;
            }
            const next: FetchCheckpoint = {
              nextLink: page.nextLink,
              pages: cp.pages + 1,
              done: !page.nextLink,
              restarts: cp.restarts ?? 0,
              applyAhead: cp.applyAhead,
            };
            if (!next.done && next.pages >= maxPages)
              throw limitExceeded(
                'maxPages',
                `the member listing of group ${group.entraGroupId} has more than ${maxPages} pages`,
              );
            const staged = await commitChunk(db, { last: next.done }, async (trx) => {
              const staged = await stageUsers(trx, syncRunId, page.items, {
                excludeGuests,
                fingerprint,
                // Only members of the group can be passed over: a group that had none has none to
                // pass over until a listing that started over meets those applied ahead.
                unchanged: cp.applyAhead && !cp.restarts ? undefined : { workspaceId, groupId },
                toApply: applier !== null,
              });
              await addRunCounts(trx, syncRunId, {
                membersFetched: staged.added,
                recipientsUnchanged: staged.passedOver,
              });
              await setCheckpoint(trx, syncRunId, 'fetchMembers', { ...next });
              return staged;
            });
            // The applier's updates of staged rows are planned on the staging table's statistics,
            // which describe another run's rows until refreshed (in a 100,000-member first sync
            // after a smaller one, recording outcomes took 11 s instead of 3 s).
            if (applier && ++stagedHere === STATISTICS_AFTER_PAGES)
              await refreshStatistics(db, ['sync_staged_members']);
            applier?.offer(page.items, staged.toApply);
            cp = next;
            progress.set({ pages: cp.pages, nextLink: cp.nextLink });
            // The page's link is known by now: its follow-up is requested, or held until this point.
            await current.nextLink.catch(() => null);
            requestHeld();
          }
        };

        await Promise.all([
          stopOnFailure(cp.done ? Promise.resolve() : listMembers()),
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
