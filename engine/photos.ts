import type { FetchedPhoto, StoredPhotoState } from '../domain/photo';
import type { Db } from '../db/database';
import { commitChunk } from '../db/commit-chunk';
import { storePhotoBlobs, type PhotoBlob } from '../db/repositories/photo-blobs';
import { readPhotoChecks, type PhotoCheck } from '../db/repositories/photo-checks';
import { storedPhotoStates } from '../db/repositories/photo-writes';
import { eachAtMost } from './promises';
import type { StagedUser } from '../db/repositories/staged-members';
import type { EntraClient } from '../graph/entra-client';
import { photoSyncs } from '../domain/field-settings';
import { sha256Hex } from '../domain/canonical-json';
import type { ApplyScope } from './apply-users';

/** Photos downloaded, hashed and stored per slice (two $batch requests): only a slice's bytes are held at once. */
const DOWNLOAD_SLICE = 40;
/** Slices of one chunk downloading at once (their $batch requests share the client's lanes). */
const SLICES_AT_ONCE = 3;

/**
 * Checks the photos of these Entra users and downloads only the ones that may have changed. A
 * recipient whose stored photo has an etag has its metadata read in $batch requests, and a photo
 * whose `@odata.mediaEtag` is the stored one is left out of the answer (nothing to write). Anyone
 * with no etag to compare (people new to the workspace) is downloaded at once: the metadata would
 * cost them a request and save nothing. The downloads go in slices of 40, each slice's bytes
 * stored by content hash as it arrives (db/repositories/photo-blobs.ts) and dropped, so a chunk
 * holds only hashes. Everyone else gets null: no photo in Entra.
 */
export async function checkPhotos(
  db: Db,
  client: EntraClient,
  entraUserIds: string[],
  stored: Map<string, StoredPhotoState>,
  readAhead: Map<string, PhotoCheck> = new Map(),
): Promise<Map<string, FetchedPhoto | null>> {
  const result = new Map<string, FetchedPhoto | null>();
  const toCompare = entraUserIds.filter((id) => !readAhead.has(id) && stored.get(id)?.mediaEtag);
  const metadata = await client.getPhotoMetadata(toCompare);
  for (const [id, check] of readAhead)
    metadata.set(id, check.hasPhoto ? { etag: check.mediaEtag, contentType: null } : null);
  const changed: string[] = [];
  for (const id of entraUserIds) {
    const mine = stored.get(id);
    if (!metadata.has(id))
      changed.push(id); // nothing to compare: download (a 404 says no photo)
    else {
      const meta = metadata.get(id);
      if (!meta) result.set(id, null);
      else if (!(mine?.contentHash && meta.etag && mine.mediaEtag === meta.etag)) changed.push(id);
    }
  }
  const slices: string[][] = [];
  for (let i = 0; i < changed.length; i += DOWNLOAD_SLICE) slices.push(changed.slice(i, i + DOWNLOAD_SLICE));
  await eachAtMost(SLICES_AT_ONCE, slices, async (slice) => {
    const contents = await client.getPhotoContents(slice);
    const blobs: PhotoBlob[] = [];
    for (const id of slice) {
      const content = contents.get(id);
      if (!content) {
        result.set(id, null);
        continue;
      }
      const hash = sha256Hex(content.data);
      blobs.push({ contentHash: hash, contentType: content.contentType, data: content.data });
      // the download's own ETag names exactly these bytes; metadata read before it may be older
      const mediaEtag = content.etag ?? metadata.get(id)?.etag ?? null;
      result.set(id, { hash, contentType: content.contentType, mediaEtag });
    }
    // Stored before the chunk that refers to them commits; a blob nobody ends up referring to is
    // pruned later (pruneStaleOrphanBlobs). Not flushed to disk on its own: the chunk's commit,
    // later in the log, cannot survive a crash that loses it (db/commit-chunk.ts).
    await commitChunk(db, { last: false }, (trx) => storePhotoBlobs(trx, blobs));
  });
  return result;
}

/**
 * The photos applyUsers needs for a chunk: none unless the photo field syncs; then those of people
 * new to the workspace (`new`, imports and a first listing's applied pages) or of everyone (`all`,
 * group and recipient syncs), except new disabled users the scope will not create and recipients
 * whose photo is locked. The client is opened only when a photo is to be checked.
 */
export async function photosToApply(
  db: Db,
  client: () => Promise<EntraClient>,
  scope: Pick<ApplyScope, 'workspaceId' | 'settings' | 'skipNewDisabled'> & { syncRunId?: string },
  users: StagedUser[],
  who: 'new' | 'all',
): Promise<Map<string, FetchedPhoto | null>> {
  if (!users.length || !photoSyncs(scope.settings)) return new Map();
  const stored = await storedPhotoStates(
    db,
    scope.workspaceId,
    users.map((u) => u.id),
  );
  const wanted = users
    .filter((u) => {
      const mine = stored.get(u.id);
      if (!mine) return !(u.accountEnabled === false && scope.skipNewDisabled);
      return who === 'all' && !mine.locked;
    })
    .map((u) => u.id);
  if (!wanted.length) return new Map();
  // metadata a full listing read while it paged (photo-checks-ahead.ts)
  const readAhead = scope.syncRunId ? await readPhotoChecks(db, scope.syncRunId, wanted) : new Map();
  return checkPhotos(db, await client(), wanted, stored, readAhead);
}
