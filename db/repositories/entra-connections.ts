import type { EntraConnection } from '../../graph/entra-client';
import { decryptSecret, type SecretKeys } from '../../config/secret-box';
import type { Db } from '../database';

/** The workspace's Entra connection with its secret decrypted, or null when none is set. */
export async function loadEntraConnection(
  db: Db,
  workspaceId: string,
  key: SecretKeys,
): Promise<EntraConnection | null> {
  const row = await db
    .selectFrom('entraConnections')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    tenantId: row.tenantId,
    clientId: row.clientId,
    clientSecret: decryptSecret(row.clientSecretEncrypted, key, workspaceId),
    authorityHost: row.authorityHost,
    graphBaseUrl: row.graphBaseUrl,
  };
}
