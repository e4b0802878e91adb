import { Kysely, sql } from 'kysely';

/**
 * Keys an admin controls. Frozen in time.
 * - `api_keys.expires_at`: an optional end of life; past it the key answers 401 like a revoked one.
 * - `workspaces.disabled_at`: set by the operator; every key of a disabled workspace answers 403.
 * - An index on a workspace's unrevoked keys: counted under a lock on each create and revoke.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('expires_at', 'timestamptz').execute();
  await db.schema.alterTable('workspaces').addColumn('disabled_at', 'timestamptz').execute();
  await sql`create index api_keys_unrevoked on api_keys (workspace_id) where revoked_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists api_keys_unrevoked`.execute(db);
  await db.schema.alterTable('workspaces').dropColumn('disabled_at').execute();
  await db.schema.alterTable('api_keys').dropColumn('expires_at').execute();
}
