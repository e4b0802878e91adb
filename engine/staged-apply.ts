import { commitChunk } from '../db/commit-chunk';
import type { Db } from '../db/database';
import {
  countPassedOver,
  readMembersToApply,
  type PresentChunkScope,
} from '../db/repositories/staged-members';
import { addRunCounts } from '../db/repositories/sync-run-progress';
import type { EntraClient } from '../graph/entra-client';
import { applyUsers, type ApplyScope } from './apply-users';
import { writeCheckpoint, type Checkpoints } from './checkpoints';
import { writeInLanes, writeSharedThenAlone } from './chunk-lanes';
import type { Progress } from './heartbeat';
import { photosToApply } from './photos';
import { photoSyncs } from '../domain/field-settings';

/** Staged members per transaction. */
export const APPLY_CHUNK = 1000;
/**
 * Chunks written at once: Postgres writes one while the worker plans the other. They hold the
 * workspace's sync lock shared, and a chunk that meets a change made meanwhile is written again alone.
 * When photos sync, four: a chunk then mostly waits on its photo reads, and more chunks in flight
 * keep the client's $batch lanes busy through each chunk's last, half-empty rounds.
 */
const APPLY_LANES = { withoutPhotos: 2, withPhotos: 4 };
/** Chunks read ahead when photos sync: their photo checks fill the $batch lanes while others wait on throttled answers. */
const PHOTO_READ_AHEAD = 4;

type ApplyCheckpoint = Checkpoints['applyFieldSettings'];

export interface StagedApply {
  db: Db;
  scope: ApplyScope;
  /** What the members to apply are read with (readMembersToApply). */
  chunkScope: PresentChunkScope;
  /** Whose photos to download when the photo field syncs. */
  photos: 'new' | 'all';
  client: () => Promise<EntraClient>;
  progress: Progress;
}

/**
 * Reads the run's staged members in keyset chunks and applies Field Settings to each chunk in one
 * transaction that also moves the checkpoint, two chunks at a time (writeInLanes): a retry
 * continues from the oldest chunk not yet committed, and passes over the members already applied
 * (they have an outcome). Ends by counting the members the read passed over as unchanged.
 */
export async function applyStagedMembers(ctx: StagedApply, from: ApplyCheckpoint): Promise<ApplyCheckpoint> {
  const { db, scope, progress } = ctx;
  const { syncRunId } = scope;
  const withPhotos = photoSyncs(scope.settings);
  let committed = 0;
  const { end } = await writeInLanes({
    lanes: withPhotos ? APPLY_LANES.withPhotos : APPLY_LANES.withoutPhotos,
    // a chunk's read starts its photo checks, which then run while earlier chunks are written
    readAhead: withPhotos ? PHOTO_READ_AHEAD : 1,
    after: from.after,
    beforeEach: () => progress.throwIfCancelled(),
    read: async (after) => {
      const { users, sourceHashes, passedOver } = await readMembersToApply(
        db,
        ctx.chunkScope,
        after,
        APPLY_CHUNK,
      );
      // Photos are checked while the next chunks are read and earlier ones written, so the $batch
      // requests of a few chunks share the client's lanes; the write waits for its chunk's photos.
      const photos = photosToApply(db, ctx.client, scope, users, ctx.photos);
      photos.catch(() => {});
      const last = users.length < APPLY_CHUNK;
      return {
        start: after,
        end: users.at(-1)?.id ?? after,
        last,
        data: { users, sourceHashes, photos, passedOver },
      };
    },
    write: async (chunk, resumeFrom) => {
      const { users, sourceHashes } = chunk.data;
      if (!users.length) return;
      const photos = await chunk.data.photos;
      await writeSharedThenAlone({ chunk: 'apply', syncRunId }, (lock) =>
        commitChunk(db, { last: false }, async (trx) => {
          await applyUsers(trx, scope, users, { photos, sourceHashes, lock });
          // counted unchanged when the listing passed them over; applyUsers has just counted them again
          await addRunCounts(trx, syncRunId, { recipientsUnchanged: -chunk.data.passedOver });
          await writeCheckpoint(trx, syncRunId, 'applyFieldSettings', {
            after: resumeFrom(),
            done: false,
            chunks: from.chunks + committed + 1,
          });
        }),
      );
      committed += 1;
      progress.set({ after: chunk.end, chunks: from.chunks + committed });
    },
  });
  const next = { after: end, done: true, chunks: from.chunks + committed };
  await commitChunk(db, { last: true }, async (trx) => {
    await addRunCounts(trx, syncRunId, { recipientsUnchanged: await countPassedOver(trx, syncRunId) });
    await writeCheckpoint(trx, syncRunId, 'applyFieldSettings', next);
  });
  return next;
}
