import { keyRingOf, SINGLE_KEY_ID, type KeyRing } from './secret-box';

/** A fixed development key keeps a local demo's secrets readable across restarts; production refuses it. */
export const DEV_ENCRYPTION_KEY = Buffer.from('entra-card-sync-development-key!', 'utf8');

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The ring from ENCRYPTION_KEYS (`id:key,…`, newest first) or ENCRYPTION_KEY (the ring
 * `default:<key>`); neither set: the development key. Keys are 32 bytes, 64 hex or base64.
 */
export function parseEncryptionKeys(env: { ENCRYPTION_KEYS?: string; ENCRYPTION_KEY?: string }): {
  ring: KeyRing;
  devKey: boolean;
} {
  if (env.ENCRYPTION_KEYS) {
    const keys = env.ENCRYPTION_KEYS.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const at = entry.indexOf(':');
        const id = entry.slice(0, at);
        if (at < 0 || !KEY_ID.test(id))
          throw new Error(
            `ENCRYPTION_KEYS entry "${entry.slice(0, 12)}…" is not id:key (an id of letters, digits, - or _)`,
          );
        return { id, key: parseKey(entry.slice(at + 1), `ENCRYPTION_KEYS key "${id}"`) };
      });
    if (keys.length === 0) throw new Error('ENCRYPTION_KEYS is set but holds no key');
    const ids = keys.map((k) => k.id);
    const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
    if (repeated) throw new Error(`ENCRYPTION_KEYS names key "${repeated}" twice`);
    return { ring: { keys }, devKey: keys.some((k) => k.key.equals(DEV_ENCRYPTION_KEY)) };
  }
  if (env.ENCRYPTION_KEY) {
    const key = parseKey(env.ENCRYPTION_KEY, 'ENCRYPTION_KEY');
    return { ring: { keys: [{ id: SINGLE_KEY_ID, key }] }, devKey: key.equals(DEV_ENCRYPTION_KEY) };
  }
  return { ring: keyRingOf(DEV_ENCRYPTION_KEY), devKey: true };
}

function parseKey(raw: string, what: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new Error(`${what} must be 32 bytes, as 64 hex characters or base64`);
  return key;
}
