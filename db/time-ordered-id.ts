import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the system once per this many ids, not once per id. */
const POOL_IDS = 256;
const pool = Buffer.alloc(POOL_IDS * 10);
let poolOffset = pool.length;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A UUID version 7 (RFC 9562): the Unix time in milliseconds in the first 48 bits, then 74 random
 * bits. Rows the sync creates get these ids instead of random (version 4) ones, so the many index
 * entries keyed by a recipient or card id (primary keys, memberships, card versions and events,
 * the card queue) are appended near the right edge of their B-trees rather than scattered over
 * every leaf page: fewer pages read, dirtied and written in full to the WAL after a checkpoint.
 * The time a row was created is not a secret here (`createdAt` is returned by the API).
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const r = poolOffset;
  poolOffset += 10;
  // 48-bit big-endian milliseconds, split so no bit operation overflows 32 bits.
  const high = Math.floor(now / 0x1_0000_0000);
  const low = now >>> 0;
  return (
    HEX[(high >>> 8) & 0xff] +
    HEX[high & 0xff] +
    HEX[low >>> 24] +
    HEX[(low >>> 16) & 0xff] +
    '-' +
    HEX[(low >>> 8) & 0xff] +
    HEX[low & 0xff] +
    '-' +
    HEX[0x70 | (pool[r]! & 0x0f)] +
    HEX[pool[r + 1]!] +
    '-' +
    HEX[0x80 | (pool[r + 2]! & 0x3f)] +
    HEX[pool[r + 3]!] +
    '-' +
    HEX[pool[r + 4]!] +
    HEX[pool[r + 5]!] +
    HEX[pool[r + 6]!] +
    HEX[pool[r + 7]!] +
    HEX[pool[r + 8]!] +
    HEX[pool[r + 9]!]
  );
}
