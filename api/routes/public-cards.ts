import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { getPhotoForCard } from '../../db/repositories/cards-queries';
import { findCardBySlug } from '../../db/repositories/public-cards';
import type { CardRow } from '../../db/schema';
import type { CardContent } from '../../domain/render-card';
import { cardVCardText } from '../card-vcard';
import type { ApiContext } from '../context';
import { HttpProblem } from '../http/problem';
import { defineRoute, type AnyRoute } from '../http/route';
import { renderCardPage, renderGonePage } from '../public/card-page';
import { PAGE_STYLE_HASH } from '../public/page-style';
import { publicBaseOf } from '../public-url';
import { publicCardUrl } from '../../domain/card-slug';

const SlugParams = z.strictObject({ slug: z.string().max(200) });
/** Short enough that a deactivation or a rotation shows soon; ETags make revalidation cheap. */
const PAGE_CACHE = 'public, max-age=60, must-revalidate';

type Found = { card: CardRow; indexable: boolean; pageUrl: string };

/** Headers every public answer carries. */
function baseHeaders(res: Response, indexable: boolean): void {
  res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
  if (!indexable) res.set('X-Robots-Tag', 'noindex');
}

const etagOf = (...parts: unknown[]) =>
  `"${createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 27)}"`;

/** Answers 304 when the client holds this ETag already, else sends the body. */
function sendCached(req: Request, res: Response, etag: string, type: string, body: string | Buffer): void {
  res.set({ ETag: etag, 'Cache-Control': PAGE_CACHE });
  const held = req.get('if-none-match');
  if (held && held.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    res.status(304).end();
    return;
  }
  res.status(200).type(type).send(body);
}

/**
 * Public card pages: no key, the slug is the secret. A deactivated card, or a slug retired by a
 * rotation or the card's deletion, answers 410 Gone; an unknown slug 404.
 */
export function publicCardRoutes(ctx: ApiContext): AnyRoute[] {
  /** The active card behind the slug, or the answer already sent (410/404) for a page or an asset. */
  async function resolve(req: Request, res: Response, slug: string, asPage: boolean): Promise<Found | null> {
    const found = await findCardBySlug(ctx.db, slug);
    if (found.found === 'card' && found.card.status === 'active') {
      const pageUrl = publicCardUrl(publicBaseOf(ctx.config, req), slug);
      return { card: found.card, indexable: found.indexable, pageUrl };
    }
    const status = found.found === 'none' ? 404 : 410;
    baseHeaders(res, false);
    if (!asPage)
      throw new HttpProblem(status, status === 410 ? 'this card is no longer available' : 'no card here');
    res
      .status(status)
      .set({ 'Cache-Control': PAGE_CACHE, 'Content-Security-Policy': pageCsp(null) })
      .type('html')
      .send(renderGonePage(status));
    return null;
  }

  const route = (
    path: string,
    operationId: string,
    summary: string,
    contentType: string,
    send: (f: Found, req: Request, res: Response) => Promise<void> | void,
  ) =>
    defineRoute({
      method: 'get',
      path,
      operationId,
      summary,
      tag: 'public cards',
      auth: 'none',
      params: SlugParams,
      responses: {
        200: { description: summary, schema: z.string(), contentType },
        404: { description: 'no card has this address' },
        410: { description: 'the card was deactivated or deleted, or its address rotated' },
      },
      async handler({ params, req, res }) {
        const found = await resolve(req, res, params.slug, path === '/c/{slug}');
        if (!found) return undefined;
        baseHeaders(res, path === '/c/{slug}' && found.indexable);
        await send(found, req, res);
        return undefined;
      },
    });

  return [
    route(
      '/c/{slug}',
      'getPublicCardPage',
      'The card as a web page (HTML, no script)',
      'text/html',
      (f, req, res) => {
        const content = f.card.content as unknown as CardContent;
        res.set('Content-Security-Policy', pageCsp(new URL(f.pageUrl).origin));
        const etag = etagOf('page', f.card.id, f.card.version, f.card.contentHash, f.pageUrl, f.indexable);
        sendCached(
          req,
          res,
          etag,
          'html',
          renderCardPage({ content, pageUrl: f.pageUrl, indexable: f.indexable }),
        );
      },
    ),
    route(
      '/c/{slug}/vcard',
      'getPublicCardVCard',
      'The card as a vCard 4.0',
      'text/vcard',
      async (f, req, res) => {
        res.set('Content-Disposition', `attachment; filename="card-${f.card.id}.vcf"`);
        const etag = etagOf('vcard', f.card.id, f.card.version);
        sendCached(req, res, etag, 'text/vcard; charset=utf-8', await cardVCardText(ctx.db, f.card));
      },
    ),
    route('/c/{slug}/photo', 'getPublicCardPhoto', "The card's photo", 'image/*', async (f, req, res) => {
      const ref = (f.card.content as unknown as CardContent).photo;
      const photo = ref ? await getPhotoForCard(ctx.db, f.card.recipientId, ref.contentHash) : undefined;
      if (!ref || !photo) throw new HttpProblem(404, 'this card shows no photo');
      // Only image types are served as such; anything else is sent as opaque bytes.
      const type = /^image\/(jpeg|png|gif|webp)$/.test(photo.contentType)
        ? photo.contentType
        : 'application/octet-stream';
      sendCached(req, res, etagOf('photo', ref.contentHash), type, photo.data);
    }),
    route(
      '/c/{slug}/qr.svg',
      'getPublicCardQr',
      "A QR code of the page's address",
      'image/svg+xml',
      async (f, req, res) => {
        const svg = await QRCode.toString(f.pageUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
        res.set('Content-Security-Policy', "default-src 'none'");
        sendCached(req, res, etagOf('qr', f.pageUrl), 'image/svg+xml', svg);
      },
    ),
  ];
}

/** No script at all; the one inline stylesheet by its hash; images only from the page's own origin. */
function pageCsp(origin: string | null): string {
  const img = origin ? `'self' ${origin}` : "'self'";
  return `default-src 'none'; img-src ${img}; style-src ${PAGE_STYLE_HASH}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}
