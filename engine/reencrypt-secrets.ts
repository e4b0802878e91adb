import { decryptSecret, encryptSecret, keyRingOf, sealedKeyId, type KeyRing } from '../config/secret-box';
import type { Conn } from '../db/database';
import { listSealedSecrets, replaceSealedSecrets } from '../db/repositories/entra-connections';

/** Rows re-encrypted per statement. */
const BATCH = 500;

export interface RotationSummary {
  reencrypted: number;
  /** already under the ring's first key */
  current: number;
  /** workspaces whose secret no key of the ring opens (left as they are) */
  unreadable: string[];
}

/**
 * Re-encrypts every stored Entra secret under the ring's first key, bound to its workspace
 * (`npm run rotate-encryption-key`), a batch per statement.
 */
export async function reencryptSecrets(db: Conn, ring: KeyRing): Promise<RotationSummary> {
  const first = keyRingOf(ring).keys[0]!.id;
  const summary: RotationSummary = { reencrypted: 0, current: 0, unreadable: [] };
  const changes: Array<{ workspaceId: string; before: string; after: string }> = [];
  for (const row of await listSealedSecrets(db)) {
    if (sealedKeyId(row.clientSecretEncrypted) === first) {
      summary.current++;
      continue;
    }
    let plain: string;
    try {
      plain = decryptSecret(row.clientSecretEncrypted, ring, row.workspaceId);
    } catch {
      summary.unreadable.push(row.workspaceId);
      continue;
    }
    changes.push({
      workspaceId: row.workspaceId,
      before: row.clientSecretEncrypted,
      after: encryptSecret(plain, ring, row.workspaceId),
    });
  }
  for (let i = 0; i < changes.length; i += BATCH)
    summary.reencrypted += await replaceSealedSecrets(db, changes.slice(i, i + BATCH));
  return summary;
}
