import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PREFIX = 'ecs_';

/** Keys that work at once per workspace: enough to rotate, too few to hand one to every script. */
export const MAX_ACTIVE_API_KEYS = 10;

export interface NewApiKey {
  /** Shown to the caller once; never stored. */
  key: string;
  /** The first characters, stored so an operator can tell keys apart. */
  prefix: string;
  hash: string;
}

/** 32 random bytes; only the sha256 is kept, which is enough for a key with this much entropy. */
export function generateApiKey(): NewApiKey {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, KEY_PREFIX.length + 8), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares two secrets in time independent of where they differ (digests make lengths equal). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const dbuf = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, dbuf);
}

/** `Authorization: Bearer <token>` → the token, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}
