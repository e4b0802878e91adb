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
  const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
  const hex = (length: number): string => {
    let out = '';
    while (out.length < length) out += hex8(nextUint32());
    return out.slice(0, length);
  };
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)],
    hex,
    uuid: () => {
      const a = hex8(nextUint32());
      const b = hex8((nextUint32() & 0xffff0fff) | 0x4000); // version 4
      const c = hex8((nextUint32() & 0x3fffffff) | 0x80000000); // RFC 4122 variant
      const d = hex8(nextUint32());
      return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
    },
  };
}

/** Derives an independent seed from a base seed and a label (e.g. "faults"), so streams don't interleave. */
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
