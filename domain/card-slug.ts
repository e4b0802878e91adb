import { randomBytes } from 'node:crypto';
/**
 * A card's public slug: base64url of the card id's 16 bytes followed by the card's random slug key
 * (16 bytes from the card write, 32 where Postgres filled the default). The key is the secret
 * (at least 128 random bits); the id inside lets a page request find the card by its primary key,
 * so cards need no index on the slug.
 */
export function cardSlug(cardId: string, key: Uint8Array): string {
  return Buffer.concat([Buffer.from(cardId.replace(/-/g, ''), 'hex'), key]).toString('base64url');
}

/** The card id and key a slug names, or null when it cannot be one of ours. */
export function parseCardSlug(slug: string): { cardId: string; key: Buffer } | null {
  if (!/^[A-Za-z0-9_-]{43,64}$/.test(slug)) return null;
  const bytes = Buffer.from(slug, 'base64url');
  if (bytes.length < 32 || bytes.length > 48 || bytes.toString('base64url') !== slug) return null;
  const hex = bytes.subarray(0, 16).toString('hex');
  const cardId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { cardId, key: bytes.subarray(16) };
}

/** Slug keys for `n` new cards (16 random bytes each, hex), drawn in one call for a whole chunk. */
export function newSlugKeys(n: number): string[] {
  const hex = randomBytes(16 * n).toString('hex');
  return Array.from({ length: n }, (_, i) => hex.slice(32 * i, 32 * (i + 1)));
}

/** A card's public page: `{base}/c/{slug}` (base: PUBLIC_BASE_URL or the api's own URL). */
export const publicCardUrl = (base: string, slug: string): string => `${base}/c/${slug}`;
