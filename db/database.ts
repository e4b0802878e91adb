import { CamelCasePlugin, Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// bigserial ids and counts come back as strings by default; they fit in JS numbers here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface CreateDatabaseOptions {
  url: string;
  /** Pool size; the worker runs several activities at once, each holding at most one connection. */
  max?: number;
  application?: string;
  /**
   * A pooled connection that broke while idle (Postgres restarted, an administrator or a proxy
   * closed it). The pool drops it and opens another on the next query; without a listener,
   * node-postgres would raise the error as an unhandled 'error' event and end the process.
   */
  onIdleError?: (err: Error) => void;
}

const ignoreClientError = () => {};
const warnOnStderr = (err: Error) =>
  process.stderr.write(`postgres: a pooled connection was lost while idle (${err.message})\n`);

export type Db = Kysely<Database>;
/** What a repository function runs on: the pool, or the caller's transaction. */
export type Conn = Db | Transaction<Database>;
/** A transaction of the application database. */
export type Trx = Transaction<Database>;

/**
 * Planner settings for this application's sessions. Postgres's default random_page_cost (4) models
 * spinning disks: with it, a chunk's lookup of 1,000 ids by index loses to a hash join over the whole
 * table, which makes every chunk of a big group sync cost as much as the table (docs/performance-notes.md).
 * 1.1 is the usual value for SSD storage.
 * work_mem (default 4 MB) is raised so the one-pass checks over a whole group (the card queue's
 * join of memberships, cards and recipients) hash in memory instead of spilling to disk in
 * batches; the pool's few sessions keep the total small.
 */
const SESSION_OPTIONS = '-c random_page_cost=1.1 -c work_mem=32MB';

/** One pool per process, built at the entry point and passed down. */
export function createDatabase(opts: CreateDatabaseOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    application_name: opts.application ?? 'entra-card-sync',
    options: SESSION_OPTIONS,
  });
  pool.on('error', opts.onIdleError ?? warnOnStderr);
  // A connection lost while a client is checked out fails that client's queries, which is how its
  // caller learns of it; node-postgres also emits the error on the client, which would otherwise
  // end the process.
  pool.on('connect', (client) => client.on('error', ignoreClientError));
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    // jsonb payloads (Graph objects, custom fields) keep their keys as stored.
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  });
}
