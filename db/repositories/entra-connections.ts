import { sql, type Selectable } from 'kysely';
import type { Conn } from '../database';
import type { EntraConnectionsTable } from '../schema';

export type StoredEntraConnection = Selectable<EntraConnectionsTable>;

/** The workspace's stored Entra connection (its secret still encrypted), or null when none is set. */
export async function readEntraConnection(
  db: Conn,
  workspaceId: string,
): Promise<StoredEntraConnection | null> {
  const row = await db
    .selectFrom('entraConnections')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .executeTakeFirst();
  return row ?? null;
}

/** Every workspace's sealed secret, for re-encryption under a new key. */
export async function listSealedSecrets(
  db: Conn,
): Promise<Array<{ workspaceId: string; clientSecretEncrypted: string }>> {
  return db
    .selectFrom('entraConnections')
    .select(['workspaceId', 'clientSecretEncrypted'])
    .orderBy('workspaceId')
    .execute();
}

/**
 * Replaces sealed secrets in one statement; a row changes only if it still holds `before`, so a
 * secret saved meanwhile is never overwritten with an older one. Returns the rows changed.
 */
export async function replaceSealedSecrets(
  db: Conn,
  changes: Array<{ workspaceId: string; before: string; after: string }>,
): Promise<number> {
  if (changes.length === 0) return 0;
  const values = sql.join(
    changes.map((c) => sql`(${c.workspaceId}::uuid, ${c.before}, ${c.after})`),
    sql`, `,
  );
  const result = await sql`
    update entra_connections as c
       set client_secret_encrypted = v.after, updated_at = now()
      from (values ${values}) as v(workspace_id, before, after)
     where c.workspace_id = v.workspace_id and c.client_secret_encrypted = v.before`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
