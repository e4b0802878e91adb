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

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** Scratch space for uuid(): formatting via one Buffer is several times faster than per-word strings. */
const UUID_SCRATCH = Buffer.alloc(16);
const UUID_TEXT = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');

/** A class rather than closures: users are materialized often, so a PRNG must be cheap to create. */
class SplitMix32 implements Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  private nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += hex8(this.nextUint32());
    return out.slice(0, length);
  }

  uuid(): string {
    const bytes = UUID_SCRATCH;
    bytes.writeUInt32BE(this.nextUint32(), 0);
    bytes.writeUInt32BE(((this.nextUint32() & 0xffff0fff) | 0x4000) >>> 0, 4); // version 4
    bytes.writeUInt32BE(((this.nextUint32() & 0x3fffffff) | 0x80000000) >>> 0, 8); // RFC 4122 variant
    bytes.writeUInt32BE(this.nextUint32(), 12);
    const h = bytes.toString('hex');
    // assembled in a buffer so the id is one flat string (a template literal would keep a tree of
    // slices alive for as long as the id lives: ~250 bytes per user in a 100k tenant)
    const text = UUID_TEXT;
    text.write(h.slice(0, 8), 0, 'latin1');
    text.write(h.slice(8, 12), 9, 'latin1');
    text.write(h.slice(12, 16), 14, 'latin1');
    text.write(h.slice(16, 20), 19, 'latin1');
    text.write(h.slice(20), 24, 'latin1');
    return text.toString('latin1');
  }
}

export function createPrng(seed: number): Prng {
  return new SplitMix32(seed);
}

/** Derives an independent seed from a base seed and a label (e.g. "faults"), so streams don't interleave. */
export function deriveSeed(seed: number, label: string | number): number {
  const text = String(label);
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Mixes two numbers into a seed (e.g. a tenant seed and a user index) without string work. */
export function mixSeeds(a: number, b: number): number {
  let h = Math.imul((a ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul((b + 0x632be5ab) >>> 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}
