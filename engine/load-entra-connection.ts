import { decryptSecret, type SecretKeys } from '../config/secret-box';
import type { Conn } from '../db/database';
import { readEntraConnection } from '../db/repositories/entra-connections';
import type { EntraConnection } from '../graph/types';

/** The workspace's Entra connection with its secret decrypted, or null when none is set. */
export async function loadEntraConnection(
  db: Conn,
  workspaceId: string,
  key: SecretKeys,
): Promise<EntraConnection | null> {
  const row = await readEntraConnection(db, workspaceId);
  if (!row) return null;
  return {
    tenantId: row.tenantId,
    clientId: row.clientId,
    clientSecret: decryptSecret(row.clientSecretEncrypted, key, workspaceId),
    authorityHost: row.authorityHost,
    graphBaseUrl: row.graphBaseUrl,
  };
}
