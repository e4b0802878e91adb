import type { FetchedPhoto } from '../domain/photo';
import type { Db } from '../db/database';
import { knownEntraIds } from '../db/repositories/recipient-writes';
import type { StagedUser } from '../db/repositories/staged-members';
import type { EntraClient } from '../graph/entra-client';
import { photoSyncs } from '../domain/field-settings';
import { sha256Hex } from '../domain/canonical-json';
import type { ApplyScope } from './apply-users';

/** How many photo downloads run at once per activity. */
const PHOTO_CONCURRENCY = 8;

/** Downloads photos (null = the user has none), a few at a time. */
export async function fetchPhotos(
  client: EntraClient,
  entraUserIds: string[],
): Promise<Map<string, FetchedPhoto | null>> {
  const result = new Map<string, FetchedPhoto | null>();
  let next = 0;
  const worker = async () => {
    while (next < entraUserIds.length) {
      const id = entraUserIds[next++]!;
      const photo = await client.getPhoto(id);
      result.set(
        id,
        photo ? { hash: sha256Hex(photo.data), contentType: photo.contentType, data: photo.data } : null,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(PHOTO_CONCURRENCY, entraUserIds.length) }, worker));
  return result;
}

/**
 * The photos applyUsers needs for a chunk: none unless the photo field syncs; then those of people
 * new to the workspace (`new`, group syncs and imports) or of everyone (`all`, recipient syncs),
 * except new disabled users the scope will not create. The client is opened only when a photo is
 * wanted.
 */
export async function photosToApply(
  db: Db,
  client: () => Promise<EntraClient>,
  scope: Pick<ApplyScope, 'workspaceId' | 'settings' | 'skipNewDisabled'>,
  users: StagedUser[],
  who: 'new' | 'all',
): Promise<Map<string, FetchedPhoto | null>> {
  if (!users.length || !photoSyncs(scope.settings)) return new Map();
  const known =
    who === 'all'
      ? new Set<string>()
      : await knownEntraIds(
          db,
          scope.workspaceId,
          users.map((u) => u.id),
        );
  const wanted = users
    .filter((u) => !known.has(u.id) && !(u.accountEnabled === false && scope.skipNewDisabled))
    .map((u) => u.id);
  return wanted.length ? fetchPhotos(await client(), wanted) : new Map();
}
