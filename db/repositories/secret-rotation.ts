import { sql } from 'kysely';
import { decryptSecret, encryptSecret, keyRingOf, sealedKeyId, type KeyRing } from '../../config/secret-box';
import type { Db } from '../database';

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
 * Re-encrypts every stored Entra secret under the ring's first key, bound to its workspace, a
 * batch per statement. A row is only replaced if it still holds what was read, so a secret saved
 * while this runs is never overwritten with an older one.
 */
export async function reencryptSecrets(db: Db, ring: KeyRing): Promise<RotationSummary> {
  const first = keyRingOf(ring).keys[0]!.id;
  const rows = await db
    .selectFrom('entraConnections')
    .select(['workspaceId', 'clientSecretEncrypted'])
    .orderBy('workspaceId')
    .execute();
  const summary: RotationSummary = { reencrypted: 0, current: 0, unreadable: [] };
  const changes: Array<{ workspaceId: string; before: string; after: string }> = [];
  for (const row of rows) {
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
  for (let i = 0; i < changes.length; i += BATCH) {
    const batch = changes.slice(i, i + BATCH);
    const values = sql.join(
      batch.map((c) => sql`(${c.workspaceId}::uuid, ${c.before}, ${c.after})`),
      sql`, `,
    );
    const result = await sql`
      update entra_connections as c
         set client_secret_encrypted = v.after, updated_at = now()
        from (values ${values}) as v(workspace_id, before, after)
       where c.workspace_id = v.workspace_id and c.client_secret_encrypted = v.before`.execute(db);
    summary.reencrypted += Number(result.numAffectedRows ?? 0);
  }
  return summary;
}
