import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, renderVCard } from '../../domain/vcard';

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
});
