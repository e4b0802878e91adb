import type { FetchedPhoto, StoredPhotoState } from '../domain/photo';
import type { Db } from '../db/database';
import { storedPhotoStates } from '../db/repositories/photo-writes';
import type { StagedUser } from '../db/repositories/staged-members';
import type { EntraClient } from '../graph/entra-client';
import { photoSyncs } from '../domain/field-settings';
import { sha256Hex } from '../domain/canonical-json';
import type { ApplyScope } from './apply-users';

/**
 * Checks the photos of these Entra users and downloads only the ones that changed: their metadata
 * is read in $batch requests, and a photo whose `@odata.mediaEtag` is the one stored with the
 * recipient's photo is left out of the answer (nothing to write). Everyone else gets null (no
 * photo in Entra) or the downloaded photo, bytes hashed (docs/sync.md, "Photos").
 */
export async function checkPhotos(
  client: EntraClient,
  entraUserIds: string[],
  stored: Map<string, StoredPhotoState>,
): Promise<Map<string, FetchedPhoto | null>> {
  const result = new Map<string, FetchedPhoto | null>();
  const metadata = await client.getPhotoMetadata(entraUserIds);
  const changed: string[] = [];
  for (const id of entraUserIds) {
    const meta = metadata.get(id);
    if (!meta) result.set(id, null);
    else {
      const mine = stored.get(id);
      if (!(mine?.contentHash && meta.etag && mine.mediaEtag === meta.etag)) changed.push(id);
    }
  }
  if (!changed.length) return result;
  const contents = await client.getPhotoContents(changed);
  for (const id of changed) {
    const content = contents.get(id);
    result.set(
      id,
      content
        ? {
            hash: sha256Hex(content.data),
            contentType: content.contentType,
            data: content.data,
            mediaEtag: metadata.get(id)?.etag ?? null,
          }
        : null,
    );
  }
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
  scope: Pick<ApplyScope, 'workspaceId' | 'settings' | 'skipNewDisabled'>,
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
  return wanted.length ? checkPhotos(await client(), wanted, stored) : new Map();
}
