import { log } from '@temporalio/activity';
import { commitChunk } from '../db/commit-chunk';
import type { Db } from '../db/database';
import { hasMembers } from '../db/repositories/group-memberships';
import { refreshGroupInfo, type SyncGroup } from '../db/repositories/groups';
import { stageUsers } from '../db/repositories/staged-members';
import { addRunCounts, clearRunWork, dropRunCounts } from '../db/repositories/sync-run-progress';
import { refreshStatistics } from '../db/repositories/table-statistics';
import { photoSyncs, photosChecked } from '../domain/field-settings';
import type { FieldSetting } from '../domain/fields';
import type { EntraClient } from '../graph/entra-client';
import { EntraError } from '../graph/errors';
import { DEFAULT_GRAPH_LIMITS } from '../contracts/graph-limits';
import { limitExceeded } from '../graph/limits';
import type { GraphGroup } from '../graph/types';
import { startApplyAhead, type ApplyAhead } from './apply-ahead';
import { applyScopeOf } from './apply-users';
import { writeCheckpoint, type ListingCheckpoint } from './checkpoints';
import type { Progress } from './heartbeat';
import { PagePrefetch } from './page-prefetch';
import { startPhotoChecksAhead, type PhotoChecksAhead } from './photo-checks-ahead';
import { photosToApply } from './photos';

/** How often an expired page link may restart the listing from the first page in one attempt. */
const MAX_RESTARTS = 3;
/** Pages requested ahead of the one being staged, at most (each is up to 999 users). */
const PAGES_AHEAD = 2;
/** Pages staged in one attempt after which the staging table's planner statistics are refreshed. */
export const STATISTICS_AFTER_PAGES = 3;

export interface MemberListingScope {
  db: Db;
  client: EntraClient;
  syncRunId: string;
  workspaceId: string;
  group: SyncGroup;
  settings: FieldSetting[];
  select: string[];
  /** The run's Field Settings fingerprint, staged with each member's source hash. */
  fingerprint: string;
  /** A listing with more pages fails as graph_limit_exceeded (GRAPH_MAX_PAGES; default DEFAULT_GRAPH_LIMITS). */
  maxPages?: number;
}

export interface MemberListingResult {
  checkpoint: ListingCheckpoint;
  groupName: string;
  /** Members applied while listing (a group's first listing), and those left to applyFieldSettings. */
  appliedAhead: { applied: number; left: number } | null;
}

export interface ListingOptions {
  progress: Progress;
  groupInfo: Promise<GraphGroup>;
  stopped: () => boolean;
  /** A preview's listing: stages only, never applies ahead, and leaves the group's name as stored. */
  forecast?: boolean;
}

/**
 * Pages through the group's (transitive) user members and stages each page with the next link in
 * one transaction, so a retried attempt resumes after the last staged page; an expired page link
 * starts the listing over. A group that had no members when its listing began has its members
 * applied while it pages (apply-ahead.ts). Also refreshes the group's name and description.
 */
export async function listGroupMembers(
  scope: MemberListingScope,
  from: ListingCheckpoint,
  opts: ListingOptions,
): Promise<MemberListingResult> {
  const { db, client, syncRunId, workspaceId, group } = scope;
  let cp = { ...from };
  cp.applyAhead ??= !opts.forecast && cp.pages === 0 && !(await hasMembers(db, group.id));
  // A full read of a group with members checks every member's photo: read the metadata while the
  // listing waits on Graph (a first listing's applier checks its own).
  cp.photosCheckedAhead ??= !cp.applyAhead && !opts.forecast && photoSyncs(scope.settings);
  const applyScope = applyScopeOf(syncRunId, workspaceId, scope.settings, group);
  const applier = cp.applyAhead
    ? startApplyAhead({
        db,
        scope: applyScope,
        photos: (users) => photosToApply(db, async () => client, applyScope, users, 'new'),
      })
    : null;
  const photoChecks = cp.photosCheckedAhead ? startPhotoChecksAhead({ db, client, syncRunId }) : null;
  let groupName = group.name;
  try {
    const listed = await stagePages(scope, cp, { applier, photoChecks }, opts);
    cp = listed.checkpoint;
    groupName = listed.groupName;
  } catch (err) {
    await applier?.stop().catch(() => undefined);
    await photoChecks?.stop();
    throw err;
  }
  // the checks still running are what applyFieldSettings would otherwise read, more slowly, itself
  await photoChecks?.finish();
  return { checkpoint: cp, groupName, appliedAhead: applier ? await applier.stop() : null };
}

async function stagePages(
  scope: MemberListingScope,
  from: ListingCheckpoint,
  { applier, photoChecks }: { applier: ApplyAhead | null; photoChecks: PhotoChecksAhead | null },
  opts: ListingOptions,
): Promise<{ checkpoint: ListingCheckpoint; groupName: string }> {
  const { db, client, syncRunId, workspaceId, group } = scope;
  const excludeGuests = !group.syncOptions.includeGuests;
  const checksPhotos = photosChecked(scope.settings, 'group') === 'all';
  let cp = from;
  let restarts = 0;
  let stagedHere = 0;
  const pages = new PagePrefetch(
    (nextLink, onNextLink) =>
      client.listGroupUsers({
        groupId: group.entraGroupId,
        transitive: group.syncOptions.includeNestedGroups,
        select: scope.select,
        nextLink,
        onNextLink,
      }),
    PAGES_AHEAD,
  );
  if (!cp.done) pages.start(cp.nextLink);
  const info = await opts.groupInfo;
  if (!opts.forecast) await refreshGroupInfo(db, group.id, info.displayName, info.description);

  while (pages.waiting > 0 && !opts.stopped()) {
    opts.progress.throwIfCancelled();
    if (applier?.failure()) throw applier.failure();
    const current = pages.take()!;
    let page;
    try {
      page = await current.page;
    } catch (err) {
      if (!(err instanceof EntraError && err.code === 'skiptoken_expired') || restarts >= MAX_RESTARTS)
        throw err;
      restarts++;
      log.warn('member page link expired; listing the group again from the first page', {
        syncRunId,
        pages: cp.pages,
      });
      cp = startOver(cp, (from.restarts ?? 0) + restarts);
      await db.transaction().execute(async (trx) => {
        await clearRunWork(trx, syncRunId);
        await dropRunCounts(trx, syncRunId, ['membersFetched', 'recipientsUnchanged']);
        await writeCheckpoint(trx, syncRunId, 'fetchMembers', cp);
      });
      pages.restart();
      continue;
    }
    const next: ListingCheckpoint = {
      nextLink: page.nextLink,
      pages: cp.pages + 1,
      done: !page.nextLink,
      restarts: cp.restarts ?? 0,
      applyAhead: cp.applyAhead,
      photosCheckedAhead: cp.photosCheckedAhead,
    };
    // counted in the checkpoint, so the cap holds across attempts
    const maxPages = scope.maxPages ?? DEFAULT_GRAPH_LIMITS.maxPages;
    if (!next.done && next.pages >= maxPages)
      throw limitExceeded(
        'maxPages',
        `the member listing of group ${group.entraGroupId} has more than ${maxPages} pages`,
      );
    const staged = await commitChunk(db, { last: next.done }, async (trx) => {
      const staged = await stageUsers(trx, syncRunId, page.items, {
        excludeGuests,
        fingerprint: scope.fingerprint,
        // Only members of the group can be passed over: a group that had none has none to pass
        // over until a listing that started over meets those applied ahead. When photos sync, every
        // member's photo is checked (photosChecked): only where it is checked ahead, whose moved
        // photo brings the member back to applyFieldSettings (readMembersToApply).
        unchanged:
          (cp.applyAhead && !cp.restarts) || (checksPhotos && !cp.photosCheckedAhead)
            ? undefined
            : { workspaceId, groupId: group.id },
        toApply: applier !== null,
      });
      await addRunCounts(trx, syncRunId, {
        membersFetched: staged.added,
        recipientsUnchanged: staged.passedOver,
      });
      await writeCheckpoint(trx, syncRunId, 'fetchMembers', next);
      return staged;
    });
    // The applier's updates of staged rows are planned on the staging table's statistics, which
    // describe another run's rows until refreshed (docs/sync.md, "applying ahead").
    if (applier && ++stagedHere === STATISTICS_AFTER_PAGES)
      await refreshStatistics(db, ['sync_staged_members']);
    applier?.offer(page.items, staged.toApply);
    photoChecks?.offer(page.items.map((u) => u.id));
    cp = next;
    opts.progress.set({ pages: cp.pages, nextLink: cp.nextLink });
    await pages.settled(current);
  }
  return { checkpoint: cp, groupName: info.displayName ?? group.name };
}

function startOver(cp: ListingCheckpoint, restarts: number): ListingCheckpoint {
  return {
    nextLink: null,
    pages: 0,
    done: false,
    restarts,
    applyAhead: cp.applyAhead,
    photosCheckedAhead: cp.photosCheckedAhead,
  };
}
