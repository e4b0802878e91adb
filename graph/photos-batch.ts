import { LiftedBody } from './batch-answer';
import { readInBatches, type BatchPolicy, type InnerResponse } from './batch-reads';
import { EntraError } from './errors';
import type { GraphHttp } from './graph-http';
import { limitExceeded } from './limits';
import { USER_READ_ALL } from './permissions';

/** What Graph says about a profile photo (GET /users/{id}/photo): its version, not its bytes. */
export interface PhotoMetadata {
  /** `@odata.mediaEtag`: changes whenever the photo's bytes do; null when Graph sent none */
  etag: string | null;
  contentType: string | null;
}

export interface PhotoContent {
  contentType: string;
  data: Buffer;
  /**
   * the answer's ETag header: the version of exactly these bytes (OData's media ETag, the value
   * the metadata's `@odata.mediaEtag` gives); null when Graph sent none
   */
  etag: string | null;
}

const permissions = [USER_READ_ALL];
const userPath = (id: string) => `/users/${encodeURIComponent(id)}/photo`;

/**
 * Photo metadata by user id in $batch requests (batch-reads.ts): null = no photo (or no such user).
 * A few hundred bytes per answer, so checking whether a photo changed costs requests, not bytes.
 */
export function getPhotoMetadata(
  http: GraphHttp,
  ids: string[],
  policy: BatchPolicy,
): Promise<Map<string, PhotoMetadata | null>> {
  return readInBatches<PhotoMetadata>(
    http,
    ids,
    {
      url: userPath,
      accept: (_id, inner) => {
        const body = (inner.body ?? {}) as Record<string, unknown>;
        const etag = body['@odata.mediaEtag'];
        const contentType = body['@odata.mediaContentType'];
        return {
          etag: typeof etag === 'string' ? etag : null,
          contentType: typeof contentType === 'string' ? contentType : null,
        };
      },
      describe: { what: 'read profile photo metadata in a $batch', permissions },
      noun: 'photo metadata reads',
    },
    policy,
  );
}

/**
 * Photo bytes by user id in $batch requests: each inner `/photo/$value` answer carries the bytes
 * base64-encoded, its content type in the inner headers; null = no photo. A photo over
 * GRAPH_MAX_PHOTO_BYTES fails the read as a single download would.
 */
export function getPhotoContents(
  http: GraphHttp,
  ids: string[],
  policy: BatchPolicy,
): Promise<Map<string, PhotoContent | null>> {
  const max = http.limits.maxPhotoBytes;
  return readInBatches<PhotoContent>(
    http,
    ids,
    {
      url: (id) => `${userPath(id)}/$value`,
      accept: (id, inner: InnerResponse, headers) => {
        const body = inner.body;
        if (typeof body !== 'string' && !(body instanceof LiftedBody))
          throw new EntraError(
            'bad_request',
            `Microsoft Graph answered the photo of user ${id} in a $batch without base64 content; the photo cannot be read.`,
          );
        // base64 is 4 characters per 3 bytes: refuse before decoding
        if (Math.floor((body.length * 3) / 4) > max + 2)
          throw limitExceeded('maxPhotoBytes', `the photo of user ${id} is larger than ${max} bytes`);
        const data = typeof body === 'string' ? Buffer.from(body, 'base64') : body.base64Bytes();
        if (data.length > max)
          throw limitExceeded('maxPhotoBytes', `the photo of user ${id} is larger than ${max} bytes`);
        const contentType = (headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
        return { contentType, data, etag: headers.get('etag') };
      },
      describe: { what: 'read profile photos in a $batch', permissions },
      noun: 'photo downloads',
    },
    policy,
  );
}
