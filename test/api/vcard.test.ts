import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, renderVCard } from '../../domain/vcard';
import { readStrictVCard } from './vcard-strict';

const card = (recipient: Record<string, string>, extra: object = {}) =>
  renderVCard({
    cardId: '11111111-2222-4333-8444-555555555555',
    version: 1,
    updatedAt: new Date('2026-01-02T03:04:05.678Z'),
    content: { recipient, company: {}, photo: null },
    ...extra,
  });

describe('vCard rendering', () => {
  it('when a line has multi-byte characters around the 75th octet, then folding keeps each character whole', () => {
    for (let pad = 0; pad < 4; pad++) {
      const line = `FN:${'a'.repeat(70 + pad)}€😀ü${'日'.repeat(40)}`;
      const folded = foldLine(line);
      const physical = folded.split('\r\n');
      for (const p of physical) {
        expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(75);
        expect(p).not.toMatch(/\uFFFD/);
      }
      expect(physical.slice(1).every((p) => p.startsWith(' '))).toBe(true);
      // Unfolding (RFC 6350 §3.2) gives the line back.
      expect(folded.replace(/\r\n /g, '')).toBe(line);
    }
  });

  it('when text has backslashes, commas, semicolons and newlines, then compound fields escape semicolons and plain ones need not', () => {
    expect(escapeText('a\\b,c;d\ne')).toBe('a\\\\b\\,c;d\\ne');
    expect(escapeText('a;b', true)).toBe('a\\;b');
  });

  it('when only an email is known, then FN falls back to it and the card still parses', () => {
    const text = card({ email: 'x@example.com' });
    const parsed = new ICAL.Component(ICAL.parse(text));
    expect(parsed.getFirstPropertyValue('fn')).toBe('x@example.com');
    expect(parsed.getFirstProperty('n')).toBeNull();
    expect(parsed.getFirstPropertyValue('rev')?.toString()).toBe('2026-01-02T03:04:05Z');
  });

  it('when a photo has a content type that is not an image, then no PHOTO is written', () => {
    const text = card(
      { email: 'x@example.com' },
      { photo: { contentType: 'text/html', data: Buffer.from('<b>') } },
    );
    expect(text).not.toContain('PHOTO');
  });

  it('when a long unicode value with commas and semicolons is folded, then ical.js reads it back unchanged', () => {
    const title = 'Directrice générale, Zürich; 東京オフィス担当 — “quotes”, back\\slash'.repeat(3);
    const parsed = new ICAL.Component(
      ICAL.parse(card({ email: 'x@example.com', jobTitle: title, displayName: 'Ünïcödé' })),
    );
    expect(parsed.getFirstPropertyValue('title')).toBe(title);
    expect(parsed.getFirstPropertyValue('fn')).toBe('Ünïcödé');
  });

  const everything = {
    displayName: 'Zoë Ångström, PhD',
    firstName: 'Zoë',
    lastName: 'Ångström; Ł',
    email: 'zoe@example.com',
    jobTitle: 'Head of R&D',
    department: 'Research',
    companyName: 'Acme, Inc.',
    mobilePhone: '+41 79 555 01 00',
    businessPhone: '+41 44 555 01 00',
    streetAddress: 'Bahnhofstrasse 1\nFloor 3',
    city: 'Zürich',
    postalCode: '8001',
    country: 'Switzerland',
    officeLocation: 'HQ; 3rd floor',
  };
  const png = { contentType: 'image/png', data: Buffer.from('89504e470d0a1a0a00', 'hex') };
  const shownPhoto = { contentHash: 'h1', contentType: 'image/png' };

  it('when every field and a photo are shown, then the vCard is strict 4.0: VERSION after BEGIN, FN once, each property within its cardinality', () => {
    const text = renderVCard({
      cardId: '11111111-2222-4333-8444-555555555555',
      version: 2,
      updatedAt: new Date('2026-01-02T03:04:05Z'),
      content: {
        recipient: { ...everything, custom: { site: 'https://zoe.example', note: 'plain' } },
        company: { website: 'https://acme.example', logoUrl: 'https://acme.example/logo.png' },
        photo: shownPhoto,
      },
      photo: png,
    });
    const v = readStrictVCard(text);
    for (const name of ['FN', 'N', 'UID', 'REV', 'PRODID', 'ORG', 'TITLE', 'EMAIL', 'ADR', 'PHOTO', 'LOGO'])
      expect(v.count(name), name).toBe(1);
    expect(v.count('TEL')).toBe(2);
    expect(v.count('URL')).toBe(2);
    expect(v.value('N')).toBe('Ångström\\; Ł;Zoë;;;');
    expect(v.value('PHOTO')).toBe(`data:image/png;base64,${png.data.toString('base64')}`);
  });

  it('when the template hides the names, then N comes from the recipient, and FN from the shown display name', () => {
    const text = renderVCard({
      cardId: '11111111-2222-4333-8444-555555555555',
      version: 1,
      updatedAt: new Date(),
      content: { recipient: { displayName: 'Dr. Z', email: 'z@example.com' }, company: {}, photo: null },
      person: { firstName: 'Zoë', lastName: 'Ångström', displayName: 'Dr. Z', email: 'z@example.com' },
    });
    const v = readStrictVCard(text);
    expect(v.value('N')).toBe('Ångström;Zoë;;;');
    expect(v.value('FN')).toBe('Dr. Z');
  });

  it('when only a last name is known and nothing names the person on the card, then N and FN both come from it', () => {
    const v = readStrictVCard(
      renderVCard({
        cardId: '11111111-2222-4333-8444-555555555555',
        version: 1,
        updatedAt: new Date(),
        content: { recipient: { jobTitle: 'Pilot' }, company: {}, photo: null },
        person: { firstName: null, lastName: 'Earhart', displayName: null, email: 'a@example.com' },
      }),
    );
    expect(v.value('N')).toBe('Earhart;;;;');
    expect(v.value('FN')).toBe('Earhart');
  });

  it('when no name is known anywhere, then there is no N and FN is the email, still strict', () => {
    const v = readStrictVCard(card({ email: 'x@example.com' }));
    expect(v.count('N')).toBe(0);
    expect(v.value('FN')).toBe('x@example.com');
  });

  it('when the card shows no photo, then bytes handed in do not make a PHOTO', () => {
    const hidden = renderVCard({
      cardId: '11111111-2222-4333-8444-555555555555',
      version: 1,
      updatedAt: new Date(),
      content: { recipient: { email: 'x@example.com' }, company: {}, photo: null },
      photo: png,
    });
    expect(readStrictVCard(hidden).count('PHOTO')).toBe(0);
  });

  it('when the strict reader is given what ical.js accepts but RFC 6350 does not, then it refuses it', () => {
    const good = card({ email: 'x@example.com', firstName: 'A' });
    const twoFn = good.replace('FN:', 'FN:x\r\nFN:');
    const versionLate = good.replace('VERSION:4.0\r\n', '').replace('END:VCARD', 'VERSION:4.0\r\nEND:VCARD');
    const twoN = good.replace(/\r\n(N:[^\r]*\r\n)/, '\r\n$1$1');
    expect(() => new ICAL.Component(ICAL.parse(twoFn))).not.toThrow();
    expect(() => new ICAL.Component(ICAL.parse(versionLate))).not.toThrow();
    expect(() => readStrictVCard(twoFn)).toThrow(/FN appears 2 times/);
    expect(() => readStrictVCard(versionLate)).toThrow(/VERSION:4.0 must follow BEGIN/);
    expect(() => readStrictVCard(twoN)).toThrow(/N appears 2 times/);
    expect(() => readStrictVCard(good)).not.toThrow();
  });
});
