import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../../domain/canonical-json';

/** The first implementation: sorted copies handed to JSON.stringify. Stored hashes were made with it. */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return Object.fromEntries(entries.map(([k, x]) => [k, sortKeys(x)]));
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

describe('canonical JSON', () => {
  it('when content has nested, unordered, unicode and undefined members, then the text equals the first implementation', () => {
    const samples: unknown[] = [
      {
        recipient: { lastName: 'Ösel', firstName: 'Zoë "Z"', custom: { b: '2', a: '1', Z: 'x' } },
        company: {},
        photo: null,
      },
      {
        b: [3, { d: undefined, c: 'é\n' }, undefined, null],
        a: new Date('2026-11-27T00:00:00Z'),
        e: true,
        f: 1.5,
      },
      { '10': 'ten', '2': 'two', a: { '': 'empty key' }, ä: 1, z: undefined },
      [],
      {},
      'plain',
      null,
    ];
    for (const sample of samples) expect(canonicalJson(sample)).toBe(reference(sample));
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('when text or bytes are hashed, then sha256Hex gives the SHA-256 digest in hex (stored hashes depend on it)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const text = canonicalJson({ recipient: { displayName: 'Zoë' }, company: {}, photo: null });
    expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x10]);
    expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
