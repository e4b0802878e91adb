import { sha256Hex } from './canonical-json';
import type { PhotoWithBytes } from './photo';

/** The largest photo an admin may upload (4 MiB, as Entra's own profile photos). */
export const MAX_PHOTO_BYTES = 4 * 1024 * 1024;

export const PHOTO_TYPES = ['image/jpeg', 'image/png'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the bytes are by their magic numbers (JPEG SOI + marker, PNG signature), whatever they claim. */
export function sniffPhotoType(bytes: Buffer): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= PNG_SIGNATURE.length && bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE))
    return 'image/png';
  return null;
}

/**
 * An uploaded photo to store, hashed as the sync hashes a downloaded one (engine/photos.ts), so
 * the same bytes have the same hash whichever way they came.
 */
export function uploadedPhoto(recipientId: string, type: PhotoType, data: Buffer): PhotoWithBytes {
  return { recipientId, contentHash: sha256Hex(data), contentType: type, data, mediaEtag: null };
}
