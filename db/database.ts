import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// bigserial ids and counts come back as strings by default; they fit in JS numbers here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface CreateDatabaseOptions {
  url: string;
  /** Pool size; the worker runs several activities at once, each holding at most one connection. */
  max?: number;
  application?: string;
}

export type Db = Kysely<Database>;

/** One pool per process, built at the entry point and passed down. */
export function createDatabase(opts: CreateDatabaseOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    application_name: opts.application ?? 'entra-card-sync',
  });
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    // jsonb payloads (Graph objects, custom fields) keep their keys as stored.
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  });
}
