import { log } from '@temporalio/activity';
import { sql } from 'kysely';
import { stageUsers } from '../db/repositories/staged-members';
import { loadSyncFieldSettings, loadSyncGroup, refreshGroupInfo } from '../db/repositories/sync-context';
import {
  clearStagedMembers,
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
  addRunCounts,
} from '../db/repositories/sync-run-progress';
import { EntraError } from '../graph/errors';
import { graphSelectFor } from '../sync/graph-source';
import type { ActivityDeps } from './deps';
import type { CountsResult, GroupRunScope } from './run-scope';
import { openEntraClient } from './support/entra';
import { classifyErrors, notRetryable } from './support/errors';
import { withHeartbeat } from './support/heartbeat';

interface FetchCheckpoint {
  nextLink: string | null;
  pages: number;
  done: boolean;
  /** How often an expired page link made the listing start over. */
  restarts?: number;
}

/** How often an expired page link may restart the listing from the first page in one attempt. */
const MAX_RESTARTS = 3;

/**
 * Pages through the group's (transitive) user members and stages each page, together with the
 * next link, in one transaction: a retried attempt resumes after the last staged page.
 */
export function createFetchMembersActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function fetchMembers(scope: GroupRunScope): Promise<CountsResult & { groupName: string }> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId, groupId } = scope;
        await setRunPhase(db, syncRunId, 'fetching_members');
        const group = await loadSyncGroup(db, workspaceId, groupId);
        if (!group)
          throw notRetryable(
            'invalid_input',
            `group ${groupId} is not linked in this workspace; link it again with POST /v1/groups`,
          );
        let cp: FetchCheckpoint = {
          nextLink: null,
          pages: 0,
          done: false,
          ...phaseCheckpoint<FetchCheckpoint>(await readRunState(db, syncRunId), 'fetchMembers'),
        };
        if (cp.done) return { counts: (await readRunState(db, syncRunId)).counts, groupName: group.name };

        const client = await openEntraClient(deps, workspaceId);
        const info = await client.getGroup(group.entraGroupId);
        await refreshGroupInfo(db, groupId, info.displayName, info.description);
        const select = graphSelectFor(await loadSyncFieldSettings(db, workspaceId));
        const excludeGuests = !group.syncOptions.includeGuests;
        let restarts = 0;
        const restartsBefore = cp.restarts ?? 0;

        while (!cp.done) {
          progress.throwIfCancelled();
          let page;
          try {
            page = await client.listGroupUsers({
              groupId: group.entraGroupId,
              transitive: group.syncOptions.includeNestedGroups,
              select,
              nextLink: cp.nextLink,
            });
          } catch (err) {
            if (!(err instanceof EntraError && err.code === 'skiptoken_expired') || restarts >= MAX_RESTARTS)
              throw err;
            restarts++;
            log.warn('member page link expired; listing the group again from the first page', {
              syncRunId,
              pages: cp.pages,
            });
            cp = { nextLink: null, pages: 0, done: false, restarts: restartsBefore + restarts };
            await db.transaction().execute(async (trx) => {
              await clearStagedMembers(trx, syncRunId);
              await trx
                .updateTable('syncRuns')
                .set({ counts: sql`counts - 'membersFetched'` })
                .where('id', '=', syncRunId)
                .execute();
              await setCheckpoint(trx, syncRunId, 'fetchMembers', { ...cp });
            });
            continue;
          }
          const next: FetchCheckpoint = {
            nextLink: page.nextLink,
            pages: cp.pages + 1,
            done: !page.nextLink,
            restarts: cp.restarts ?? 0,
          };
          await db.transaction().execute(async (trx) => {
            const added = await stageUsers(trx, syncRunId, page.items, { excludeGuests });
            await addRunCounts(trx, syncRunId, { membersFetched: added });
            await setCheckpoint(trx, syncRunId, 'fetchMembers', { ...next });
          });
          cp = next;
          progress.set({ pages: cp.pages, nextLink: cp.nextLink });
        }
        const state = await readRunState(db, syncRunId);
        log.info('members fetched', {
          syncRunId,
          pages: cp.pages,
          membersFetched: state.counts.membersFetched ?? 0,
        });
        return { counts: state.counts, groupName: info.displayName ?? group.name };
      }),
    );
  };
}
