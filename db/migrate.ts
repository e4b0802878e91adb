import { Kysely, Migrator } from 'kysely';
import { migrations } from './migrations/index';

/**
 * Brings the schema to the latest migration and throws on the first failure. Kysely's Migrator
 * takes a table lock, so api, worker and test processes starting together migrate once.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(setup)'} failed: ${message}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
