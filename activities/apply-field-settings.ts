import { log } from '@temporalio/activity';
import { readPresentChunk } from '../db/repositories/staged-members';
import { knownEntraIds } from '../db/repositories/recipient-writes';
import { loadSyncFieldSettings, loadSyncGroup } from '../db/repositories/sync-context';
import {
  phaseCheckpoint,
  readRunState,
  setCheckpoint,
  setRunPhase,
} from '../db/repositories/sync-run-progress';
import type { EntraClient } from '../graph/entra-client';
import { photoSyncs } from '../sync/apply-field-settings';
import type { ActivityDeps } from './deps';
import type { CountsResult, RunScope } from './run-scope';
import { applyUsers, type ApplyScope } from './support/apply-users';
import { openEntraClient } from './support/entra';
import { classifyErrors, notRetryable } from './support/errors';
import { withHeartbeat } from './support/heartbeat';
import { fetchPhotos, type FetchedPhoto } from './support/photos';

export interface ApplyFieldSettingsInput extends RunScope {
  /** Group syncs make members of this group; imports and recipient syncs have none. */
  groupId?: string;
  /** Whose photos to download when the photo field syncs: people new to the workspace, or everyone (recipient syncs). */
  photos: 'new' | 'all';
}

/** Staged members per transaction. */
export const APPLY_CHUNK = 1000;

/**
 * Reads the run's staged members in keyset chunks and applies Field Settings to each chunk in one
 * transaction that also moves the checkpoint, so a retry continues after the last committed chunk.
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
        const scope: ApplyScope = {
          workspaceId,
          syncRunId,
          groupId: group?.id ?? null,
          settings,
          skipNewDisabled: group ? group.syncOptions.disabledUsers !== 'keep' : true,
        };
        let cp = {
          after: '',
          done: false,
          chunks: 0,
          ...phaseCheckpoint<{ after: string; done: boolean; chunks: number }>(
            await readRunState(db, syncRunId),
            'applyFieldSettings',
          ),
        };
        let client: EntraClient | null = null;
        while (!cp.done) {
          progress.throwIfCancelled();
          const users = await readPresentChunk(db, syncRunId, cp.after, APPLY_CHUNK);
          let photos = new Map<string, FetchedPhoto | null>();
          if (users.length && photoSyncs(settings)) {
            const known =
              input.photos === 'all'
                ? new Set<string>()
                : await knownEntraIds(
                    db,
                    workspaceId,
                    users.map((u) => u.id),
                  );
            const wanted = users
              .filter((u) => !known.has(u.id) && !(u.accountEnabled === false && scope.skipNewDisabled))
              .map((u) => u.id);
            if (wanted.length) {
              client ??= await openEntraClient(deps, workspaceId);
              photos = await fetchPhotos(client, wanted);
            }
          }
          const next = {
            after: users.at(-1)?.id ?? cp.after,
            done: users.length < APPLY_CHUNK,
            chunks: cp.chunks + (users.length ? 1 : 0),
          };
          await db.transaction().execute(async (trx) => {
            if (users.length) await applyUsers(trx, scope, users, photos);
            await setCheckpoint(trx, syncRunId, 'applyFieldSettings', next);
          });
          cp = next;
          progress.set({ after: cp.after, chunks: cp.chunks });
        }
        const { counts } = await readRunState(db, syncRunId);
        log.info('field settings applied', { syncRunId, chunks: cp.chunks, counts });
        return { counts };
      }),
    );
  };
}
