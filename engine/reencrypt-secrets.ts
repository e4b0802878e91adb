import { decryptSecret, encryptSecret, keyRingOf, sealedKeyId, type KeyRing } from '../config/secret-box';
import type { Conn } from '../db/database';
import { listSealedSecrets, replaceSealedSecrets } from '../db/repositories/entra-connections';
import { listSealedWebhookSecrets, replaceSealedWebhookSecrets } from '../db/repositories/webhook-secrets';

/** Rows re-encrypted per statement. */
const BATCH = 500;

export interface RotationSummary {
  reencrypted: number;
  /** already under the ring's first key */
  current: number;
  /** workspaces with a secret no key of the ring opens (left as they are) */
  unreadable: string[];
}

/**
 * Re-encrypts every stored secret (Entra client secrets, webhook signing secrets) under the ring's
 * first key, bound to its workspace (`npm run rotate-encryption-key`), a batch per statement.
 */
export async function reencryptSecrets(db: Conn, ring: KeyRing): Promise<RotationSummary> {
  const summary: RotationSummary = { reencrypted: 0, current: 0, unreadable: [] };
  const entra = resealed(
    (await listSealedSecrets(db)).map((r) => ({ ...r, sealed: r.clientSecretEncrypted })),
    ring,
    summary,
  );
  for (let i = 0; i < entra.length; i += BATCH)
    summary.reencrypted += await replaceSealedSecrets(db, entra.slice(i, i + BATCH));
  const webhooks = resealed(await listSealedWebhookSecrets(db), ring, summary);
  for (let i = 0; i < webhooks.length; i += BATCH)
    summary.reencrypted += await replaceSealedWebhookSecrets(db, webhooks.slice(i, i + BATCH));
  summary.unreadable = [...new Set(summary.unreadable)];
  return summary;
}

/** The secrets not yet under the first key, sealed again; counts the rest in the summary. */
function resealed<T extends { workspaceId: string; sealed: string }>(
  rows: T[],
  ring: KeyRing,
  summary: RotationSummary,
): Array<T & { before: string; after: string }> {
  const first = keyRingOf(ring).keys[0]!.id;
  const changes: Array<T & { before: string; after: string }> = [];
  for (const row of rows) {
    if (sealedKeyId(row.sealed) === first) {
      summary.current++;
      continue;
    }
    try {
      const plain = decryptSecret(row.sealed, ring, row.workspaceId);
      changes.push({ ...row, before: row.sealed, after: encryptSecret(plain, ring, row.workspaceId) });
    } catch {
      summary.unreadable.push(row.workspaceId);
    }
  }
  return changes;
}
