import { getRecipientPhoto, setManualPhoto } from '../../db/repositories/manual-photo';
import { getRecipient } from '../../db/repositories/recipients';
import { MAX_PHOTO_BYTES, PHOTO_TYPES, sniffPhotoType, uploadedPhoto } from '../../domain/photo-upload';
import type { ApiContext } from '../context';
import { HttpProblem, notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams } from '../schemas/common';
import { Recipient, toRecipient } from '../schemas/recipients';
import { z } from 'zod';

const LOCK_NOTE =
  'A manual value: `photo` joins lockedFields, so no sync replaces or clears it until an admin removes the lock (PATCH lockedFields). Recorded in the change history (source manual); cards show it after a `cards` sync.';

/** `"abc"`, `W/"abc"`, lists and `*`: whether If-None-Match names this ETag. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** Bytes, their declared type and their real one must agree, as JPEG or PNG. */
function readPhoto(body: unknown, contentType: string | undefined) {
  const declared = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const accepted = PHOTO_TYPES.join(' or ');
  if (!(PHOTO_TYPES as readonly string[]).includes(declared)) {
    throw new HttpProblem(415, `send the photo as ${accepted} bytes with that Content-Type`);
  }
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new HttpProblem(400, 'the body is empty: send the image bytes', {
      errors: [{ path: 'body', message: 'empty' }],
    });
  }
  const actual = sniffPhotoType(body);
  if (actual !== declared) {
    throw new HttpProblem(
      415,
      actual
        ? `the bytes are ${actual} but Content-Type says ${declared}: send the matching type`
        : `the bytes are not ${accepted} (checked by their signature): convert the image first`,
    );
  }
  return { type: actual, data: body };
}

/** A recipient's photo, uploaded or cleared by hand, and read back. */
export function recipientPhotoRoutes(ctx: ApiContext): AnyRoute[] {
  const path = '/v1/recipients/{id}/photo';
  return [
    defineRoute({
      method: 'put',
      path,
      operationId: 'putRecipientPhoto',
      summary: `Upload a recipient's photo (${PHOTO_TYPES.join(' or ')}, at most ${MAX_PHOTO_BYTES} bytes)`,
      description: LOCK_NOTE,
      tag: 'recipients',
      auth: 'workspace',
      params: IdParams,
      rawBody: { contentTypes: [...PHOTO_TYPES], limit: MAX_PHOTO_BYTES },
      responses: { 200: { description: 'the recipient, with its new photo hash', schema: Recipient } },
      async handler({ workspaceId, params, req }) {
        const photo = readPhoto(req.body, req.headers['content-type']);
        const found = await setManualPhoto(
          ctx.db,
          workspaceId,
          params.id,
          uploadedPhoto(params.id, photo.type, photo.data),
        );
        if (!found) throw notFound('recipient', params.id);
        return reply(200, toRecipient((await getRecipient(ctx.db, workspaceId, params.id))!));
      },
    }),
    defineRoute({
      method: 'get',
      path,
      operationId: 'getRecipientPhoto',
      summary: "A recipient's photo, with its content hash as ETag (If-None-Match answers 304)",
      tag: 'recipients',
      auth: 'workspace',
      params: IdParams,
      responses: {
        200: { description: 'the image bytes', schema: z.string(), contentType: 'image/*' },
        304: { description: 'If-None-Match named the current photo' },
      },
      async handler({ workspaceId, params, req, res }) {
        const photo = await getRecipientPhoto(ctx.db, workspaceId, params.id);
        if (!photo) {
          if (!(await getRecipient(ctx.db, workspaceId, params.id))) throw notFound('recipient', params.id);
          throw new HttpProblem(404, `recipient ${params.id} has no photo`);
        }
        const etag = `"${photo.contentHash}"`;
        const headers = { ETag: etag, 'Cache-Control': 'private, no-cache' };
        if (matchesEtag(req.headers['if-none-match'], etag)) return reply(304, undefined, headers);
        res.status(200).set(headers).type(photo.contentType).send(photo.data);
        return undefined;
      },
    }),
    defineRoute({
      method: 'delete',
      path,
      operationId: 'deleteRecipientPhoto',
      summary: "Clear a recipient's photo",
      description: LOCK_NOTE.replace('replaces or clears it', 'puts a photo back'),
      tag: 'recipients',
      auth: 'workspace',
      params: IdParams,
      responses: { 204: { description: 'cleared (also when there was none)' } },
      async handler({ workspaceId, params }) {
        if (!(await setManualPhoto(ctx.db, workspaceId, params.id, null)))
          throw notFound('recipient', params.id);
        return reply(204);
      },
    }),
  ];
}
