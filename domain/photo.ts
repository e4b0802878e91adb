/** A profile photo as downloaded from Entra: its bytes and the content hash that says whether it changed. */
export interface FetchedPhoto {
  hash: string;
  contentType: string;
  data: Buffer;
}

/** A recipient's photo to store. */
export interface PhotoWrite {
  recipientId: string;
  contentHash: string;
  contentType: string;
  data: Buffer;
}
