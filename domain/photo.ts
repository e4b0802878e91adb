/**
 * A profile photo as checked in Entra: the content hash that says whether it changed, and the etag
 * that lets the next check skip the download. Its bytes are already stored (content-addressed,
 * db/repositories/photo-blobs.ts) when the chunk that refers to it is written.
 */
export interface FetchedPhoto {
  hash: string;
  contentType: string;
  /** Entra's `@odata.mediaEtag` for these bytes (null when Graph gave none) */
  mediaEtag: string | null;
}

/** A recipient's photo to refer to (its bytes stored by content hash). */
export interface PhotoWrite {
  recipientId: string;
  contentHash: string;
  contentType: string;
  /** Entra's etag of a downloaded photo; null for an uploaded one */
  mediaEtag: string | null;
}

/** A photo with its bytes, to store and refer to at once (an admin's upload). */
export interface PhotoWithBytes extends PhotoWrite {
  data: Buffer;
}

/** The stored photo of a recipient as the photo check sees it (no bytes). */
export interface StoredPhotoState {
  /** `photo` is among the recipient's locked fields: no sync replaces or clears it */
  locked: boolean;
  contentHash: string | null;
  mediaEtag: string | null;
}
