import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, sealedKeyId, type KeyRing } from '../../config/secret-box';

const keyA = { id: 'a', key: randomBytes(32) };
const keyB = { id: 'b', key: randomBytes(32) };

/** What the first format wrote: `v1.<iv>.<tag>.<ciphertext>`, no key id, no associated data. */
function sealV1(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

describe('stored secrets: AES-256-GCM bound to the workspace, under a key ring', () => {
  it('when a secret is sealed, then it names its key id and opens only for its own workspace', () => {
    const ws = randomUUID();
    const sealed = encryptSecret('s3cret', { keys: [keyA, keyB] }, ws);
    expect(sealed).toMatch(/^v2\.a\./);
    expect(sealedKeyId(sealed)).toBe('a');
    expect(sealed).not.toContain('s3cret');
    expect(decryptSecret(sealed, { keys: [keyA] }, ws)).toBe('s3cret');
    // copied to another workspace's row, it does not open
    expect(() => decryptSecret(sealed, { keys: [keyA] }, randomUUID())).toThrow(/cannot be decrypted/);
  });

  it('when the ring has a newer first key, then older secrets still open and new ones use the first', () => {
    const ws = randomUUID();
    const old = encryptSecret('x', { keys: [keyA] }, ws);
    const ring: KeyRing = { keys: [keyB, keyA] };
    expect(decryptSecret(old, ring, ws)).toBe('x');
    expect(sealedKeyId(encryptSecret('x', ring, ws))).toBe('b');
    expect(() => decryptSecret(old, { keys: [keyB] }, ws)).toThrow(
      /key "a", which is not in ENCRYPTION_KEYS/,
    );
  });

  it('when a secret is in the first format (no key id), then any key of the ring opens it', () => {
    const ws = randomUUID();
    expect(decryptSecret(sealV1('legacy', keyA.key), { keys: [keyB, keyA] }, ws)).toBe('legacy');
    expect(sealedKeyId(sealV1('legacy', keyA.key))).toBeNull();
    expect(() => decryptSecret(sealV1('legacy', keyA.key), { keys: [keyB] }, ws)).toThrow(
      /cannot be decrypted/,
    );
  });

  it('when one key is passed alone, then it is the ring default:<key>', () => {
    const ws = randomUUID();
    const sealed = encryptSecret('y', keyA.key, ws);
    expect(sealedKeyId(sealed)).toBe('default');
    expect(decryptSecret(sealed, { keys: [{ id: 'default', key: keyA.key }] }, ws)).toBe('y');
  });
});
