/** A profile photo as downloaded from Entra: its bytes and the content hash that says whether it changed. */
export interface FetchedPhoto {
  hash: string;
  contentType: string;
  data: Buffer;
  /** Entra's `@odata.mediaEtag` for these bytes (null when Graph gave none) */
  mediaEtag: string | null;
}

/** A recipient's photo to store. */
export interface PhotoWrite {
  recipientId: string;
  contentHash: string;
  contentType: string;
  data: Buffer;
  /** Entra's etag of a downloaded photo; null for an uploaded one */
  mediaEtag: string | null;
}

/** The stored photo of a recipient as the photo check sees it (no bytes). */
export interface StoredPhotoState {
  /** `photo` is among the recipient's locked fields: no sync replaces or clears it */
  locked: boolean;
  contentHash: string | null;
  mediaEtag: string | null;
}
