import { log } from '@temporalio/activity';
import {
  readJoinersWithoutData,
  setDeltaMembersFetched,
  stageChangedUsers,
  stageDepartures,
  stageMembershipChanges,
  type DeltaStageScope,
} from '../../db/repositories/delta-staging';
import type { DeltaLinks } from '../../db/repositories/group-sync-state';
import { loadSyncFieldSettings, loadSyncGroup, refreshGroupInfo } from '../../db/repositories/sync-context';
import {
  clearRunWork,
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
  setSyncPlan,
} from '../../db/repositories/sync-run-progress';
import { EntraError } from '../../graph/errors';
import { graphSelectFor } from '../../domain/graph-source';
import type { SyncTypeReason } from '../../domain/sync-type';
import type { SyncPlan } from './choose-sync-type';
import type { ActivityDeps } from '../../engine/deps';
import type { CountsResult, GroupRunScope } from '../../contracts/activity-scope';
import { openEntraClient } from '../../engine/open-entra-client';
import { settleLater } from '../../engine/promises';
import { classifyErrors, notRetryable } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';

interface DeltaCheckpoint {
  /** groups/delta, then users/delta, then user data for joiners users/delta did not report. */
  step: 'members' | 'users' | 'joiners' | 'done';
  /** The page to request next in the current round; null = the group's stored delta link. */
  link: string | null;
  membersDeltaLink: string | null;
  /** Keyset of the joiner lookups. */
  after: string;
}

export type FetchDeltaResult =
  (CountsResult & { fellBack: false; groupName: string }) | (CountsResult & { fellBack: true });

/** Joiners looked up per transaction (the Graph client batches them 20 per $batch request). */
const JOINER_CHUNK = 500;

/**
 * The delta read of a group run: membership changes from groups/delta, attribute changes from the
 * tenant-wide users/delta (kept only for people who concern this group, by a join in SQL), and
 * user data for joiners that users/delta did not carry ($batch). Everything is staged like a full
 * read's members (present / removed / deleted), so the later phases run unchanged. Each page is
 * staged with its checkpoint in one transaction. The new delta links go to the checkpoint, and
 * reach the group only when the run completes.
 *
 * A stored link Graph no longer knows (delta_token_expired) turns the run into a full one: the
 * staging is dropped, the run record says `full` (reason `delta_token_expired`, `fellBack`), and
 * the workflow runs fetchMembers next.
 */
export function createFetchDeltaChangesActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function fetchDeltaChanges(scope: GroupRunScope): Promise<FetchDeltaResult> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId, groupId } = scope;
        const state = await readRunState(db, syncRunId);
        const plan = phaseCheckpoint<SyncPlan>(state, 'syncPlan');
        if (plan.fellBack) return { fellBack: true, counts: state.counts };
        await setRunPhase(db, syncRunId, 'fetching_changes');
        const group = await loadSyncGroup(db, workspaceId, groupId);
        if (!group)
          throw notRetryable(
            'invalid_input',
            `group ${groupId} is not linked in this workspace; link it again with POST /v1/groups`,
          );
        let cp: DeltaCheckpoint = {
          step: 'members',
          link: null,
          membersDeltaLink: null,
          after: '',
          ...phaseCheckpoint<DeltaCheckpoint>(state, 'fetchDelta'),
        };
        if (cp.step === 'done') return { fellBack: false, counts: state.counts, groupName: group.name };

        /** Turns the run into a full one: nothing of the delta read stays. */
        const fallBack = async (reason: SyncTypeReason) => {
          await db.transaction().execute(async (trx) => {
            await clearRunWork(trx, syncRunId);
            await setCheckpoint(trx, syncRunId, 'fetchDelta', {});
            await setSyncPlan(trx, syncRunId, {
              ...(plan as SyncPlan),
              syncType: 'full',
              reason,
              fellBack: true,
            });
          });
          return { fellBack: true as const, counts: (await readRunState(db, syncRunId)).counts };
        };
        // Only a run of the group could have cleared them since chooseSyncType, and runs don't overlap.
        if (!group.membersDeltaLink || !group.usersDeltaLink || !plan.basis)
          return fallBack('no_delta_links');

        const client = await openEntraClient(deps, workspaceId);
        const select = graphSelectFor(await loadSyncFieldSettings(db, workspaceId));
        const stage: DeltaStageScope = { syncRunId, workspaceId, groupId };
        const excludeGuests = !group.syncOptions.includeGuests;
        const save = async (
          next: DeltaCheckpoint,
          work: (trx: Parameters<typeof setCheckpoint>[0]) => Promise<void>,
        ) => {
          await db.transaction().execute(async (trx) => {
            await work(trx);
            await setCheckpoint(trx, syncRunId, 'fetchDelta', { ...next });
          });
          cp = next;
          progress.set({ step: cp.step, after: cp.after });
        };

        // Round trips overlap: the group's details, the first page of each round, and each next
        // page while the current one is staged. Pages are still staged in order, users/delta only
        // after the members round (its filter needs the joiners); a retry asks for them again.
        const groupInfo = settleLater(client.getGroup(group.entraGroupId));
        const membersPage = (link: string) =>
          settleLater(client.groupMembersDelta({ groupId: group.entraGroupId, link }));
        const usersPage = (link: string) => settleLater(client.usersDelta({ select, link }));
        let nextMembers = cp.step === 'members' ? membersPage(cp.link ?? group.membersDeltaLink) : null;
        let nextUsers =
          cp.step === 'members' || cp.step === 'users'
            ? usersPage(cp.step === 'users' && cp.link ? cp.link : group.usersDeltaLink)
            : null;
        try {
          while (cp.step === 'members') {
            progress.throwIfCancelled();
            const page = await nextMembers!;
            nextMembers = page.nextLink ? membersPage(page.nextLink) : null;
            const roundDone = !page.nextLink;
            await save(
              roundDone
                ? { ...cp, step: 'users', link: null, membersDeltaLink: page.deltaLink }
                : { ...cp, link: page.nextLink },
              (trx) => stageMembershipChanges(trx, stage, page.added, page.removed),
            );
          }
          while (cp.step === 'users') {
            progress.throwIfCancelled();
            const page = await nextUsers!;
            nextUsers = page.nextLink ? usersPage(page.nextLink) : null;
            const roundDone = !page.nextLink;
            await save(
              roundDone ? { ...cp, step: 'joiners', link: null } : { ...cp, link: page.nextLink },
              async (trx) => {
                await stageChangedUsers(trx, stage, page.users, { excludeGuests });
                await stageDepartures(trx, stage, page.removed, 'deleted');
                if (roundDone)
                  await storeNextLinks(trx, syncRunId, cp.membersDeltaLink, page.deltaLink, plan.basis!);
              },
            );
          }
        } catch (err) {
          if (!(err instanceof EntraError && err.code === 'delta_token_expired')) throw err;
          log.warn('stored delta links expired; this run reads every member instead', { syncRunId, groupId });
          return fallBack('delta_token_expired');
        }

        const info = await groupInfo;
        await refreshGroupInfo(db, groupId, info.displayName, info.description);

        while (cp.step === 'joiners') {
          progress.throwIfCancelled();
          const ids = await readJoinersWithoutData(db, syncRunId, cp.after, JOINER_CHUNK);
          const found = ids.length ? await client.getUsersByIds(ids, select) : new Map();
          const users = [...found.values()].filter((u) => u !== null);
          const gone = ids.filter((id) => !found.get(id));
          const last = ids.length < JOINER_CHUNK;
          await save(
            { ...cp, step: last ? 'done' : 'joiners', after: ids.at(-1) ?? cp.after },
            async (trx) => {
              await stageChangedUsers(trx, stage, users, { excludeGuests });
              await stageDepartures(trx, stage, gone, 'deleted');
              if (last) await setDeltaMembersFetched(trx, syncRunId);
            },
          );
        }

        const { counts } = await readRunState(db, syncRunId);
        log.info('delta changes fetched', { syncRunId, groupId, membersFetched: counts.membersFetched ?? 0 });
        return { fellBack: false, counts, groupName: info.displayName ?? group.name };
      }),
    );
  };
}

/** The links the next delta run continues from; finishSyncRun moves them to the group. */
async function storeNextLinks(
  trx: Parameters<typeof setCheckpoint>[0],
  syncRunId: string,
  members: string | null,
  users: string | null,
  basis: string,
): Promise<void> {
  if (!members || !users) return; // a round without a deltaLink: no links, the next run is full
  const links: DeltaLinks = { members, users, basis };
  await setCheckpoint(trx, syncRunId, 'deltaLinks', { ...links });
}
