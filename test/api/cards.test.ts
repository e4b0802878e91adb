import ICAL from 'ical.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePhotos } from '../../db/repositories/photo-writes';
import { as, expectProblem, insertCard, startApiTest, type ApiTestContext } from './support';
import { readStrictVCard } from './vcard-strict';

const content = {
  recipient: {
    displayName: 'Zoë Ångström-Łukasiewicz, PhD; 日本語の名前',
    firstName: 'Zoë',
    lastName: 'Ångström; Łukasiewicz',
    email: 'zoe@example.com',
    jobTitle: 'Head of R&D, Europe; Asia',
    department: 'Research, Development',
    mobilePhone: '+41 79 555 01 00',
    streetAddress: 'Bahnhofstrasse 1\nFloor 3, Suite \\ 4',
    city: 'Zürich',
    postalCode: '8001',
    country: 'Switzerland',
  },
  company: { companyName: 'Acme, Inc.', website: 'https://acme.example' },
  photo: { contentHash: 'photo-hash-1', contentType: 'image/png' },
};

describe('cards', () => {
  let t: ApiTestContext;
  let api: ReturnType<typeof as>;
  let workspaceId: string;
  let recipientId: string;
  let cardId: string;
  const photo = Buffer.from('89504e470d0a1a0a' + 'ab'.repeat(300), 'hex');

  beforeAll(async () => {
    t = await startApiTest();
    const ws = await t.createWorkspace();
    workspaceId = ws.id;
    api = as(t.app, ws.apiKey);
    const r = await api.post('/v1/recipients', { email: 'zoe@example.com' });
    recipientId = r.body.id;
    const g = await api.post('/v1/groups', { entraGroupId: randomUUID(), name: 'Cards' });
    cardId = await insertCard(t.db, { workspaceId, recipientId, groupId: g.body.id, content, version: 3 });
    await storePhotos(t.db, [
      { recipientId, contentHash: 'photo-hash-1', contentType: 'image/png', data: photo, mediaEtag: null },
    ]);
  });
  afterAll(async () => t?.close());

  it("when a recipient's cards are listed, then the card comes with its version and content", async () => {
    const res = await api.get(`/v1/recipients/${recipientId}/cards`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items).toEqual([
      expect.objectContaining({ id: cardId, recipientId, status: 'active', version: 3, content }),
    ]);
    expect((await api.get(`/v1/cards/${cardId}`)).body).toEqual(res.body.items[0]);
  });

  it('when the vCard is fetched, then it is vCard 4.0 text with CRLF lines no longer than 75 octets', async () => {
    const res = await api
      .get(`/v1/cards/${cardId}/vcard`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/vcard; charset=utf-8');
    const raw = res.body as Buffer;
    const text = raw.toString('utf8');
    expect(text.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\n')).toBe(true);
    expect(readStrictVCard(text).count('PHOTO')).toBe(1);
    expect(text.endsWith('END:VCARD\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    // Folding never cuts a multi-byte character: every physical line is valid UTF-8 on its own.
    for (const line of text.split('\r\n')) expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
    expect(Buffer.from(text, 'utf8').equals(raw)).toBe(true);
  });

  it('when the vCard is parsed by ical.js, then unicode, commas, semicolons, backslashes and newlines come back unchanged', async () => {
    const res = await api.get(`/v1/cards/${cardId}/vcard`);
    const card = new ICAL.Component(ICAL.parse(res.text));
    const r = content.recipient;
    expect(card.getFirstPropertyValue('version')).toBe('4.0');
    expect(card.getFirstPropertyValue('uid')).toBe(`urn:uuid:${cardId}`);
    expect(card.getFirstPropertyValue('fn')).toBe(r.displayName);
    expect(card.getFirstProperty('n')!.getValues()[0]).toEqual([r.lastName, r.firstName, '', '', '']);
    expect(card.getFirstProperty('org')!.getValues()[0]).toEqual(['Acme, Inc.', r.department]);
    expect(card.getFirstPropertyValue('title')).toBe(r.jobTitle);
    expect(card.getFirstPropertyValue('email')).toBe(r.email);
    const tel = card.getFirstProperty('tel')!;
    expect(tel.getFirstValue()).toBe(r.mobilePhone);
    expect(tel.getParameter('type')).toBe('cell');
    expect(card.getFirstProperty('adr')!.getValues()[0]).toEqual([
      '',
      '',
      r.streetAddress,
      r.city,
      '',
      r.postalCode,
      r.country,
    ]);
    expect(card.getFirstPropertyValue('url')).toBe('https://acme.example');
    expect(card.getFirstPropertyValue('photo')).toBe(`data:image/png;base64,${photo.toString('base64')}`);
    expect(String(card.getFirstPropertyValue('rev'))).toBe('2026-11-27T10:15:00Z');
  });

  it('when a card gets a new version, then the vCard UID stays the same and REV moves to the new version time', async () => {
    const before = new ICAL.Component(ICAL.parse((await api.get(`/v1/cards/${cardId}/vcard`)).text));
    await t.db
      .updateTable('cards')
      .set({ version: 4, updatedAt: new Date() })
      .where('id', '=', cardId)
      .execute();
    await t.db
      .insertInto('cardVersions')
      .values({
        cardId,
        version: 4,
        status: 'active',
        content: JSON.stringify(content),
        contentHash: 'h4',
        createdAt: new Date('2026-12-01T08:00:00Z'),
      })
      .execute();
    const after = new ICAL.Component(ICAL.parse((await api.get(`/v1/cards/${cardId}/vcard`)).text));
    expect(after.getFirstPropertyValue('uid')).toBe(before.getFirstPropertyValue('uid'));
    expect(String(after.getFirstPropertyValue('rev'))).toBe('2026-12-01T08:00:00Z');
  });

  it('when the stored photo no longer matches the card version, then the vCard has no PHOTO rather than the wrong one', async () => {
    const other = { recipientId, contentType: 'image/png', data: Buffer.from('other'), mediaEtag: null };
    await storePhotos(t.db, [{ ...other, contentHash: 'photo-hash-2' }]);
    const res = await api.get(`/v1/cards/${cardId}/vcard`);
    expect(res.text).not.toContain('PHOTO');
    await storePhotos(t.db, [{ ...other, contentHash: 'photo-hash-1', data: photo }]);
  });

  it('when an unknown card or recipient is asked for, then it answers 404', async () => {
    expectProblem(await api.get(`/v1/cards/${randomUUID()}`), 404);
    expectProblem(await api.get(`/v1/cards/${randomUUID()}/vcard`), 404);
    expectProblem(await api.get(`/v1/recipients/${randomUUID()}/cards`), 404);
  });
});
