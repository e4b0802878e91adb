import { randomUUID } from 'node:crypto';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { migrations } from '../../db/migrations/index';

/**
 * A database of the suite's own on the shared Postgres, for tests of one migration: `migrator(upTo)`
 * runs the migrations up to and including `upTo`, so a test can write rows the old way first.
 */
export function useMigrationDatabase(prefix: string) {
  const name = `${prefix}_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  const handle = {
    db: undefined as unknown as Kysely<any>,
    migrator: (upTo: string) =>
      new Migrator({
        db: handle.db,
        provider: {
          getMigrations: async () =>
            Object.fromEntries(Object.entries(migrations).filter(([n]) => n <= upTo)),
        },
      }),
  };
  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    handle.db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.href, max: 2 }) }),
    });
  });
  afterAll(async () => {
    await handle.db?.destroy();
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  });
  return handle;
}
