import type { Db } from '../database';

/** What the API may show of a connection: everything but the secret. */
export interface EntraConnectionSummary {
  tenantId: string;
  clientId: string;
  authorityHost: string;
  graphBaseUrl: string;
  updatedAt: Date;
}

/** Stores the connection; the caller has already sealed the secret with the encryption key. */
export async function saveEntraConnection(
  db: Db,
  workspaceId: string,
  conn: {
    tenantId: string;
    clientId: string;
    clientSecretEncrypted: string;
    authorityHost: string;
    graphBaseUrl: string;
  },
): Promise<EntraConnectionSummary> {
  const values = { ...conn, updatedAt: new Date() };
  return db
    .insertInto('entraConnections')
    .values({ workspaceId, ...values })
    .onConflict((oc) => oc.column('workspaceId').doUpdateSet(values))
    .returning(['tenantId', 'clientId', 'authorityHost', 'graphBaseUrl', 'updatedAt'])
    .executeTakeFirstOrThrow();
}

export async function getEntraConnectionSummary(
  db: Db,
  workspaceId: string,
): Promise<EntraConnectionSummary | undefined> {
  return db
    .selectFrom('entraConnections')
    .select(['tenantId', 'clientId', 'authorityHost', 'graphBaseUrl', 'updatedAt'])
    .where('workspaceId', '=', workspaceId)
    .executeTakeFirst();
}
