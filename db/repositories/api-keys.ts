import { sql } from 'kysely';
import type { Db } from '../database';

export interface ApiKeyRow {
  id: string;
  workspaceId: string;
  keyHash: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
  expiresAt: Date | null;
}

/** What a bearer token check needs: the key, whether it is past its expiry, and its workspace's state. */
export interface ApiKeyForAuth extends ApiKeyRow {
  expired: boolean;
  workspaceDisabledAt: Date | null;
}

/** A key that still lets its holder in: not revoked, not past its expiry (by the database's clock). */
const usable = sql<boolean>`api_keys.revoked_at is null and (api_keys.expires_at is null or api_keys.expires_at > now())`;

/** Looks a key up by its sha256, revoked and expired ones included so the answer can say which. */
export async function findApiKeyForAuth(db: Db, keyHash: string): Promise<ApiKeyForAuth | undefined> {
  return db
    .selectFrom('apiKeys')
    .innerJoin('workspaces', 'workspaces.id', 'apiKeys.workspaceId')
    .selectAll('apiKeys')
    .select([
      sql<boolean>`api_keys.expires_at is not null and api_keys.expires_at <= now()`.as('expired'),
      'workspaces.disabledAt as workspaceDisabledAt',
    ])
    .where('apiKeys.keyHash', '=', keyHash)
    .executeTakeFirst();
}

/** Inserts a key with no checks (the demo's own key); routes use createApiKeyWithinLimit. */
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

/**
 * Locks the workspace row for the rest of the transaction: key creations and revocations of one
 * workspace then run one after another, so counts read under the lock stay true until commit.
 */
async function lockWorkspace(trx: Db, workspaceId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('workspaces')
    .select('id')
    .where('id', '=', workspaceId)
    .forUpdate()
    .executeTakeFirst();
  return Boolean(row);
}

async function countUsableKeys(trx: Db, workspaceId: string, exceptId?: string): Promise<number> {
  let query = trx
    .selectFrom('apiKeys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspaceId', '=', workspaceId)
    .where(usable);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export type CreateKeyResult =
  { outcome: 'created'; row: ApiKeyRow } | { outcome: 'no_workspace' } | { outcome: 'limit'; active: number };

/** Adds a key unless the workspace already has `maxActive` usable ones; one transaction. */
export async function createApiKeyWithinLimit(
  db: Db,
  input: { workspaceId: string; keyHash: string; prefix: string; expiresAt: Date | null; maxActive: number },
): Promise<CreateKeyResult> {
  return db.transaction().execute(async (trx): Promise<CreateKeyResult> => {
    if (!(await lockWorkspace(trx, input.workspaceId))) return { outcome: 'no_workspace' };
    const active = await countUsableKeys(trx, input.workspaceId);
    if (active >= input.maxActive) return { outcome: 'limit', active };
    const row = await trx
      .insertInto('apiKeys')
      .values({
        workspaceId: input.workspaceId,
        keyHash: input.keyHash,
        prefix: input.prefix,
        expiresAt: input.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { outcome: 'created', row };
  });
}

export type RevokeKeyResult = 'revoked' | 'not_found' | 'last_key';

/**
 * Revokes an unrevoked key of the workspace in one transaction under the workspace's lock. With
 * `keepOneUsable`, refuses to revoke the last usable key: two concurrent revokes of a workspace's
 * last two keys run one after the other, and the second sees it would lock the workspace out.
 */
export async function revokeApiKey(
  db: Db,
  input: { workspaceId: string; id: string; keepOneUsable: boolean },
): Promise<RevokeKeyResult> {
  return db.transaction().execute(async (trx): Promise<RevokeKeyResult> => {
    if (!(await lockWorkspace(trx, input.workspaceId))) return 'not_found';
    const key = await trx
      .selectFrom('apiKeys')
      .select(['id', usable.as('usable')])
      .where('workspaceId', '=', input.workspaceId)
      .where('id', '=', input.id)
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
    if (!key) return 'not_found';
    // Revoking an expired key takes no access away; only a usable one can be the last way in.
    if (input.keepOneUsable && key.usable && (await countUsableKeys(trx, input.workspaceId, key.id)) === 0) {
      return 'last_key';
    }
    await trx
      .updateTable('apiKeys')
      .set({ revokedAt: new Date() })
      .where('workspaceId', '=', input.workspaceId)
      .where('id', '=', input.id)
      .execute();
    return 'revoked';
  });
}
