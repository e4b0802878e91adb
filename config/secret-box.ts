import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Keys for stored secrets, newest first: the first encrypts, every one decrypts (ENCRYPTION_KEYS). */
export interface KeyRing {
  keys: ReadonlyArray<{ id: string; key: Buffer }>;
}

/** A ring, or one key (ENCRYPTION_KEY alone), which is the ring `default:<key>`. */
export type SecretKeys = Buffer | KeyRing;

export const SINGLE_KEY_ID = 'default';

export function keyRingOf(keys: SecretKeys): KeyRing {
  return Buffer.isBuffer(keys) ? { keys: [{ id: SINGLE_KEY_ID, key: keys }] } : keys;
}

const VERSION = 'v2';

/** Binds a ciphertext to its workspace and key id: a sealed secret copied to another row does not open. */
function associatedData(keyId: string, workspaceId: string): Buffer {
  return Buffer.from(`entra-card-sync:${VERSION}:${keyId}:${workspaceId}`, 'utf8');
}

/**
 * AES-256-GCM under the ring's first key, with the workspace as associated data:
 * `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export function encryptSecret(plain: string, keys: SecretKeys, workspaceId: string): string {
  const { id, key } = keyRingOf(keys).keys[0]!;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(id, workspaceId));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, id, ...[iv, cipher.getAuthTag(), data].map((p) => p.toString('base64url'))].join('.');
}

/** The id of the key a sealed secret is under (null for the first format, which named none). */
export function sealedKeyId(sealed: string): string | null {
  const [version, id] = sealed.split('.');
  return version === VERSION ? (id ?? null) : null;
}

export function decryptSecret(sealed: string, keys: SecretKeys, workspaceId: string): string {
  const ring = keyRingOf(keys);
  const parts = sealed.split('.');
  if (parts[0] === 'v1' && parts.length === 4) {
    // the first format: no key id and no associated data; any key of the ring may be the one
    for (const { key } of ring.keys) {
      const plain = open(key, parts[1]!, parts[2]!, parts[3]!, null);
      if (plain !== null) return plain;
    }
    throw undecryptable('none of the keys in ENCRYPTION_KEYS');
  }
  if (parts[0] !== VERSION || parts.length !== 5) throw new Error('stored secret has an unknown format');
  const [, id, iv, tag, data] = parts as [string, string, string, string, string];
  const entry = ring.keys.find((k) => k.id === id);
  if (!entry) throw undecryptable(`key "${id}", which is not in ENCRYPTION_KEYS`);
  const plain = open(entry.key, iv, tag, data, associatedData(id, workspaceId));
  if (plain === null)
    throw undecryptable(`key "${id}" (a different key under that id, or another workspace's secret)`);
  return plain;
}

function open(key: Buffer, iv: string, tag: string, data: string, aad: Buffer | null): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return null;
  }
}

function undecryptable(why: string): Error {
  return new Error(
    `stored Entra secret cannot be decrypted: it was saved under ${why}; ENCRYPTION_KEYS must keep every key still in use`,
  );
}
