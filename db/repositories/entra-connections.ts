import type { Selectable } from 'kysely';
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
