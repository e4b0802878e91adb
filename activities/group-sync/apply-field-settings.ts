import { log } from '@temporalio/activity';
import { countPassedOver, readMembersToApply } from '../../db/repositories/staged-members';
import { loadSyncFieldSettings, loadSyncGroup } from '../../db/repositories/sync-context';
import {
  addRunCounts,
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
} from '../../db/repositories/sync-run-progress';
import { refreshStatistics } from '../../db/repositories/table-statistics';
import type { EntraClient } from '../../graph/entra-client';
import { fieldSettingsFingerprint } from '../../domain/field-settings';
import { commitChunk } from '../../db/commit-chunk';
import type { ActivityDeps } from '../../engine/deps';
import { listingAppliedAhead } from './fetch-members';
import type { CountsResult, RunScope } from '../../contracts/activity-scope';
import { applyScopeOf, applyUsers } from '../../engine/apply-users';
import { openEntraClient } from '../../engine/open-entra-client';
import { classifyErrors, notRetryable } from '../../engine/errors';
import { withHeartbeat } from '../../engine/heartbeat';
import { writeInLanes, writeSharedThenAlone, type OrderedChunk } from '../../engine/chunk-lanes';
import { photosToApply } from '../../engine/photos';

export interface ApplyFieldSettingsInput extends RunScope {
  /** Group syncs make members of this group; imports and recipient syncs have none. */
  groupId?: string;
  /** Whose photos to download when the photo field syncs: people new to the workspace, or everyone (recipient syncs). */
  photos: 'new' | 'all';
}

/** Staged members per transaction. */
export const APPLY_CHUNK = 1000;
/**
 * Chunks written at once. Two keep both cores of a small machine busy (Postgres writes one while
 * the worker plans the other); they hold the workspace's sync lock shared, and a chunk that meets
 * a change made meanwhile is written again alone.
 */
const APPLY_LANES = 2;
/** Chunks written in one run after which the tables' planner statistics are refreshed. */
const STATISTICS_AFTER_CHUNKS = 3;

/**
 * Reads the run's staged members in keyset chunks and applies Field Settings to each chunk in one
 * transaction that also moves the checkpoint, two chunks at a time (writeInLanes): a retry
 * continues from the oldest chunk not yet committed, and passes over the members already applied
 * (they have an outcome).
 * Members applied before from the same data under the same settings were staged as passed over
 * (stageUsers, counted then) or are passed over by the read (readMembersToApply, counted at the
 * end); recipient syncs, which also refresh photos, apply everyone in full.
 */
export function createApplyFieldSettingsActivity(deps: ActivityDeps) {
  const { db } = deps;
  return async function applyFieldSettings(input: ApplyFieldSettingsInput): Promise<CountsResult> {
    return classifyErrors(() =>
      withHeartbeat(async (progress) => {
        const { syncRunId, workspaceId } = input;
        await setRunPhase(db, syncRunId, 'applying_field_settings');
        const settings = await loadSyncFieldSettings(db, workspaceId);
        const group = input.groupId ? await loadSyncGroup(db, workspaceId, input.groupId) : null;
        if (input.groupId && !group)
          throw notRetryable('invalid_input', `group ${input.groupId} is not linked in this workspace`);
        const scope = applyScopeOf(syncRunId, workspaceId, settings, group);
        const chunkScope = {
          syncRunId,
          workspaceId,
          groupId: scope.groupId,
          fingerprint: input.photos === 'all' ? null : fieldSettingsFingerprint(settings),
        };
        const state = await readRunState(db, syncRunId);
        let cp = {
          after: '',
          done: false,
          chunks: 0,
          ...phaseCheckpoint<{ after: string; done: boolean; chunks: number }>(state, 'applyFieldSettings'),
        };
        let client: EntraClient | null = null;
        const lazyClient = async () => (client ??= await openEntraClient(deps, workspaceId));
        const readChunk = async (after: string) => {
          const { users, sourceHashes } = await readMembersToApply(db, chunkScope, after, APPLY_CHUNK);
          const photos = await photosToApply(db, lazyClient, scope, users, input.photos);
          return { users, sourceHashes, photos };
        };
        let committed = 0;
        const writeChunk = async (
          chunk: OrderedChunk<Awaited<ReturnType<typeof readChunk>>>,
          resumeFrom: () => string,
        ) => {
          const { users, sourceHashes, photos } = chunk.data;
          if (!users.length) return;
          await writeSharedThenAlone({ chunk: 'apply', syncRunId }, (lock) =>
            commitChunk(db, { last: false }, async (trx) => {
              await applyUsers(trx, scope, users, { photos, sourceHashes, lock });
              await setCheckpoint(trx, syncRunId, 'applyFieldSettings', {
                after: resumeFrom(),
                done: false,
                chunks: cp.chunks + committed + 1,
              });
            }),
          );
          committed += 1;
          progress.set({ after: chunk.end, chunks: cp.chunks + committed });
        };
        if (!cp.done) {
          const { end } = await writeInLanes({
            lanes: APPLY_LANES,
            after: cp.after,
            beforeEach: () => progress.throwIfCancelled(),
            read: async (after) => {
              const data = await readChunk(after);
              const last = data.users.length < APPLY_CHUNK;
              return { start: after, end: data.users.at(-1)?.id ?? after, last, data };
            },
            write: writeChunk,
          });
          const next = { after: end, done: true, chunks: cp.chunks + committed };
          await commitChunk(db, { last: true }, async (trx) => {
            await addRunCounts(trx, syncRunId, {
              recipientsUnchanged: await countPassedOver(trx, syncRunId),
            });
            await setCheckpoint(trx, syncRunId, 'applyFieldSettings', next);
          });
          cp = next;
        }
        // A big first sync grows recipients and memberships from nothing: let the planner know. Its
        // listing may have applied nearly everyone already (FetchCheckpoint.applyAhead); left with
        // stale statistics, the next run's departed-member scan took 1.4-2 s instead of 0.5-0.9 s.
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
