import type { Db } from '../database';

export interface ApiKeyRow {
  id: string;
  workspaceId: string;
  keyHash: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** Looks a key up by its sha256; revoked keys are not found. */
export async function findActiveApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('apiKeys')
    .selectAll()
    .where('keyHash', '=', keyHash)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
}

export async function insertApiKey(
  db: Db,
  workspaceId: string,
  keyHash: string,
  prefix: string,
): Promise<ApiKeyRow> {
  return db
    .insertInto('apiKeys')
    .values({ workspaceId, keyHash, prefix })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('apiKeys')
    .selectAll()
    .where('workspaceId', '=', workspaceId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

/** Revokes a key of the workspace; false when there is no such key (or it was revoked already). */
export async function revokeApiKey(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('apiKeys')
    .set({ revokedAt: new Date() })
    .where('workspaceId', '=', workspaceId)
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countActiveApiKeys(db: Db, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('apiKeys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspaceId', '=', workspaceId)
    .where('revokedAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
