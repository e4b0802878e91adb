import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePhotos } from '../../db/repositories/photo-writes';
import { as, expectProblem, insertCard, startApiTest, type ApiTestContext } from './support';

describe('public card pages', () => {
  let t: ApiTestContext;
  beforeAll(async () => {
    t = await startApiTest();
  });
  afterAll(async () => t.close());

  async function cardWith(content: Record<string, unknown>) {
    const ws = await t.createWorkspace();
    const api = as(t.app, ws.apiKey);
    const recipient = (await api.post('/v1/recipients', { email: `page-${randomUUID()}@example.com` })).body;
    const group = (await api.post('/v1/groups', { entraGroupId: randomUUID(), name: 'Sales' })).body;
    const cardId = await insertCard(t.db, {
      workspaceId: ws.id,
      recipientId: recipient.id,
      groupId: group.id,
      content,
    });
    const card = (await api.get(`/v1/cards/${cardId}`)).body;
    return { ws, api, card, recipientId: recipient.id as string, path: new URL(card.publicUrl).pathname };
  }

  const content = {
    recipient: {
      displayName: 'Ada <script>alert(1)</script> Lovelace',
      jobTitle: 'Analyst & "Engine" Whisperer',
      email: 'ada@example.com',
      mobilePhone: '+44 20 7946 0000',
      custom: { profile: 'https://example.com/ada', bad: 'javascript:alert(1)' },
    },
    company: {},
    photo: null,
  };

  it('when a card is fetched, then publicUrl is the page under PUBLIC_BASE_URL with a slug of at least 128 bits', async () => {
    const { card } = await cardWith(content);
    // insertCard leaves the key to Postgres's default (32 bytes); card writes draw 16 (43 characters).
    expect(card.publicUrl).toMatch(/^https:\/\/cards\.example\.test\/c\/[A-Za-z0-9_-]{64}$/);
    expect(Buffer.from(card.publicUrl.split('/c/')[1], 'base64url').subarray(0, 16).toString('hex')).toBe(
      card.id.replace(/-/g, ''),
    );
  });

  it('when the page is requested, then it is escaped HTML without script, with a CSP, noindex, an ETag and 304 on revalidation', async () => {
    const { path } = await cardWith(content);
    const res = await request(t.app).get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Ada &lt;script&gt;alert(1)&lt;/script&gt; Lovelace');
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).toContain('Analyst &amp; &quot;Engine&quot; Whisperer');
    expect(res.text).toContain('href="tel:+442079460000"');
    expect(res.text).toContain('href="mailto:ada@example.com"');
    expect(res.text).toContain('href="https://example.com/ada"');
    expect(res.text).not.toContain('href="javascript:');
    expect(res.text).toMatch(/<meta name="robots" content="noindex"\s*\/?>/);
    expect(res.headers['x-robots-tag']).toBe('noindex');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['cache-control']).toContain('max-age=');
    const again = await request(t.app).get(path).set('If-None-Match', res.headers.etag!);
    expect(again.status).toBe(304);
  });

  it('when the workspace opts in to indexing, then the page carries no noindex', async () => {
    const { api, path } = await cardWith(content);
    expect((await api.get('/v1/workspace/settings')).body).toEqual({ publicPagesIndexable: false });
    expect((await api.patch('/v1/workspace/settings', { publicPagesIndexable: true })).body).toEqual({
      publicPagesIndexable: true,
    });
    const res = await request(t.app).get(path);
    expect(res.text).not.toContain('noindex');
    expect(res.headers['x-robots-tag']).toBeUndefined();
    expectProblem(await api.patch('/v1/workspace/settings', { publicPagesIndexable: 'yes' }), 400);
  });

  it('when the slug is rotated, then the old address answers 410 on the page and its assets, and the new one serves the card', async () => {
    const { api, card, path } = await cardWith(content);
    const rotated = await api.post(`/v1/cards/${card.id}/rotate-slug`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.publicUrl).not.toBe(card.publicUrl);
    const old = await request(t.app).get(path);
    expect(old.status).toBe(410);
    expect(old.text).toContain('no longer available');
    expectProblem(await request(t.app).get(`${path}/vcard`), 410);
    expectProblem(await request(t.app).get(`${path}/qr.svg`), 410);
    expect((await request(t.app).get(new URL(rotated.body.publicUrl).pathname)).status).toBe(200);
    expectProblem(await api.post(`/v1/cards/${randomUUID()}/rotate-slug`), 404);
    // subscribers hear of the new address: a card.updated of the same version with the new publicUrl
    let feed = await api.get('/v1/events?type=card.updated');
    for (let i = 0; i < 100 && !feed.body.items.length; i++) {
      await new Promise((r) => setTimeout(r, 25));
      feed = await api.get('/v1/events?type=card.updated');
    }
    expect(feed.body.items.map((e: { data: object }) => e.data)).toEqual([
      expect.objectContaining({ id: card.id, version: card.version, publicUrl: rotated.body.publicUrl }),
    ]);
  });

  it('when the card is deactivated or deleted, then its page answers 410; an unknown slug answers 404', async () => {
    const { card, path } = await cardWith(content);
    await t.db.updateTable('cards').set({ status: 'deactivated' }).where('id', '=', card.id).execute();
    expect((await request(t.app).get(path)).status).toBe(410);
    const other = await cardWith(content);
    await t.db.deleteFrom('cards').where('id', '=', other.card.id).execute();
    expect((await request(t.app).get(other.path)).status).toBe(410);
    expect((await request(t.app).get('/c/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await request(t.app).get('/c/x')).status).toBe(404);
    // The card's id with another key is no address of it.
    const live = await cardWith(content);
    const key = Buffer.from(live.path.slice('/c/'.length), 'base64url');
    key[key.length - 1] ^= 1;
    expect((await request(t.app).get(`/c/${key.toString('base64url')}`)).status).toBe(404);
    expect((await request(t.app).get(live.path)).status).toBe(200);
  });

  it('when the card shows a photo, then the page links it and /photo serves the stored bytes; the QR code is an SVG', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const { recipientId, path } = await cardWith({
      ...content,
      photo: { contentHash: 'photo-1', contentType: 'image/png' },
    });
    await storePhotos(t.db, [
      { recipientId, contentHash: 'photo-1', contentType: 'image/png', data: png, mediaEtag: null },
    ]);
    const page = await request(t.app).get(path);
    expect(page.text).toContain(`src="https://cards.example.test${path}/photo"`);
    expect(page.text).toMatch(/alt="Photo of Ada &lt;script&gt;/);
    const photo = await request(t.app).get(`${path}/photo`).buffer(true);
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(photo.body as Buffer, png)).toBe(0);
    const qr = await request(t.app).get(`${path}/qr.svg`).buffer(true);
    expect(qr.status).toBe(200);
    expect(qr.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(String(qr.body)).toContain('<svg');
    const noPhoto = await cardWith(content);
    expectProblem(await request(t.app).get(`${noPhoto.path}/photo`), 404);
  });
});
