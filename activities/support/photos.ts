import type { EntraClient } from '../../graph/entra-client';
import { sha256Hex } from '../../sync/canonical-json';

export interface FetchedPhoto {
  hash: string;
  contentType: string;
  data: Buffer;
}

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
