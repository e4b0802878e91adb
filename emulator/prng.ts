/**
 * A small seeded pseudo-random generator (a 32-bit "splitmix"-style mixer) so the emulator's
 * directory and fault decisions are reproducible: the same seed always yields the same tenant.
 * Math.random is deliberately not used anywhere in the emulator's data paths.
 */
export interface Prng {
  /** a float in [0, 1) */
  next(): number;
  /** an integer in [0, n) */
  int(n: number): number;
  /** true with probability p */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** a version-4-shaped UUID built from the stream */
  uuid(): string;
  hex(length: number): string;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0 || 0x9e3779b9;
  const nextUint32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const next = (): number => nextUint32() / 0x100000000;
  const int = (n: number): number => Math.floor(next() * n);
  const hex = (length: number): string => {
    let out = '';
    while (out.length < length) out += nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  };
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)],
    hex,
    uuid: () => {
      const h = hex(32).split('');
      h[12] = '4';
      h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
      const s = h.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}

/** Derives an independent seed from a base seed and a label (e.g. "faults"), so streams don't interleave. */
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
