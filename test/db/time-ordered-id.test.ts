import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../db/time-ordered-id';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('when made, then it is a version 7 UUID with the RFC 9562 variant', () => {
    for (let i = 0; i < 1000; i++) expect(timeOrderedId()).toMatch(V7);
  });

  it('when made at a given millisecond, then its first 48 bits are that time', () => {
    const at = Date.parse('2026-11-28T05:00:00.123Z');
    const hex = timeOrderedId(at).replace(/-/g, '');
    expect(parseInt(hex.slice(0, 12), 16)).toBe(at);
    // The largest 48-bit time still fits (year 10889).
    expect(timeOrderedId(2 ** 48 - 1).slice(0, 13)).toBe('ffffffff-ffff');
  });

  it('when made later, then it sorts after, as text and as Postgres compares uuids (byte order)', () => {
    const base = Date.parse('2026-11-28T05:00:00Z');
    const ids = [0, 1, 2, 1000, 60_000, 86_400_000].map((d) => timeOrderedId(base + d));
    expect([...ids].sort()).toEqual(ids);
  });

  it('when many are made in the same millisecond (across refills of the random pool), then none repeats', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 20_000 }, () => timeOrderedId(at)));
    expect(ids.size).toBe(20_000);
  });
});
