import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, type Db } from '../db/database';
import { startEmbeddedPostgres } from '../dev/embedded-postgres';
import { migrateToLatest } from '../db/migrate';
import { startEmulator } from '../emulator/server';
import { PROJECT_DIR } from '../dev/local-services';
import { stopChild } from '../dev/stop-child';
import { findTemporalCli } from '../dev/temporal-cli';
import { startTemporalDevServer } from '../dev/temporal-dev-server';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../worker/node-flags';
import { buildDist } from '../dev/build';
import { sql } from 'kysely';
import { startBenchReceiver, type BenchReceiver } from './receiver';

export const BENCH_TASK_QUEUE = 'entra-sync-bench';
export const BENCH_ENCRYPTION_KEY = Buffer.alloc(32, 7);

export interface BenchStack {
  db: Db;
  databaseUrl: string;
  client: Client;
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  /** a webhook receiver the worker may call (the webhook delivery case) */
  receiver: BenchReceiver;
  worker: ChildProcess;
  /** Peak RSS of the worker since the last reset, in bytes (Linux VmHWM). */
  workerPeakRss(): number;
  resetWorkerPeakRss(): void;
  sqlCalls(): Promise<number>;
  /** The most frequent statements since the last reset: where round trips go. */
  topStatements(limit: number): Promise<Array<{ calls: number; ms: number; query: string }>>;
  resetSqlCalls(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Stops the processes and removes the data folder without closing the clients, for an
   * interrupted run whose cases may still be waiting on them (a closed Temporal connection throws
   * from its timers).
   */
  abandon(): Promise<void>;
}

/**
 * Everything the benchmark measures against, started fresh: embedded Postgres with
 * pg_stat_statements, an in-memory Temporal dev server, the HTTPS Graph emulator in this process,
 * and the real worker (`worker/main.ts`) as its own process so its memory is measured alone.
 */
export async function startBenchStack(log: (line: string) => void): Promise<BenchStack> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'entra-card-sync-bench-'));
  // Our own folder (mkdtemp makes it 0700): as root, Postgres runs as `postgres` and keeps its data here.
  await chmod(tmp, 0o755);
  const stops: Array<() => Promise<void>> = [];
  const emulator = await startEmulator({ port: 0, dataDir: path.join(tmp, 'emulator') });
  stops.push(() => emulator.close());
  const receiver = await startBenchReceiver(path.join(tmp, 'emulator'));
  stops.push(() => receiver.close());
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(tmp, 'postgres'),
    port: 0,
    extraFlags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=top'],
  });
  stops.push(() => pg.stop());
  const cliPath = await findTemporalCli({ projectDir: PROJECT_DIR, log });
  const temporal = await startTemporalDevServer({ cliPath, uiPort: null });
  stops.push(() => temporal.stop());

  const db = createDatabase({ url: pg.url, max: 4 });
  await migrateToLatest(db);
  await sql`create extension if not exists pg_stat_statements`.execute(db);

  // The worker runs as the image runs it: compiled by `npm run build`'s step, started with plain
  // node (no tsx loader thread). BENCH_WORKER_FROM_SOURCE=1 runs worker/main.ts through tsx instead.
  const workerEntry = process.env.BENCH_WORKER_FROM_SOURCE
    ? ['--import', 'tsx', path.join(PROJECT_DIR, 'worker', 'main.ts')]
    : [await compileWorker(stops)];
  log(
    `worker: ${process.env.BENCH_WORKER_FROM_SOURCE ? 'worker/main.ts through tsx' : 'compiled, plain node'}`,
  );
  // BENCH_WORKER_NODE_ARGS passes flags to the worker's Node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof";
  // BENCH_WORKER_STDOUT names a file for its standard output (e.g. with --trace-gc).
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const stdout = process.env.BENCH_WORKER_STDOUT ? openSync(process.env.BENCH_WORKER_STDOUT, 'w') : 'ignore';
  const worker = spawn(process.execPath, [...WORKER_NODE_FLAGS, ...nodeArgs, ...workerEntry], {
    cwd: PROJECT_DIR,
    stdio: ['ignore', stdout, 'inherit'],
    env: {
      ...process.env,
      ...WORKER_ENV,
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TASK_QUEUE: BENCH_TASK_QUEUE,
      ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY.toString('base64'),
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
      // the worker may call the emulator, the receiver (and Microsoft's clouds), nothing else
      OUTBOUND_ALLOW_HOSTS: `${new URL(emulator.url).host},${receiver.host}`,
      LOG_LEVEL: 'warn',
    },
  });
  stops.unshift(() => stopChild(worker, 15_000));
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const closeConnection = () => connection.close();
  await waitForWorker(client);

  const stopProcesses = async () => {
    for (const stop of stops) await stop().catch((err) => log(`stop: ${err}`));
    await rm(tmp, { recursive: true, force: true });
  };
  const status = () => readFileSync(`/proc/${worker.pid}/status`, 'utf8');
  return {
    db,
    databaseUrl: pg.url,
    client,
    emulator,
    receiver,
    worker,
    workerPeakRss: () => Number(/VmHWM:\s+(\d+) kB/.exec(status())?.[1] ?? 0) * 1024,
    resetWorkerPeakRss: () => writeFileSync(`/proc/${worker.pid}/clear_refs`, '5'),
    async sqlCalls() {
      const { rows } = await sql<{ calls: number }>`
        select coalesce(sum(calls), 0)::bigint as calls from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database())
          and query not ilike '%pg_stat_statements%'`.execute(db);
      return Number(rows[0]?.calls ?? 0);
    },
    async topStatements(limit) {
      const { rows } = await sql<{ calls: number; ms: number; query: string }>`
        select calls::bigint as calls, round(total_exec_time)::bigint as ms, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 160) as query
        from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database())
          and query not ilike '%pg_stat_statements%'
        order by total_exec_time desc limit ${limit}`.execute(db);
      return rows.map((r) => ({ calls: Number(r.calls), ms: Number(r.ms), query: r.query }));
    },
    async resetSqlCalls() {
      await sql`select pg_stat_statements_reset()`.execute(db);
    },
    async stop() {
      await db.destroy();
      await closeConnection().catch((err) => log(`stop: ${err}`));
      await stopProcesses();
    },
    abandon: stopProcesses,
  };
}

/** The worker bundles workflow code at start (several seconds); wait until it answers. */
async function waitForWorker(client: Client): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      const result = await client.workflow.execute('pingWorkflow', {
        taskQueue: BENCH_TASK_QUEUE,
        workflowId: `bench-ping-${Date.now()}`,
        args: ['bench'],
        workflowExecutionTimeout: '5 seconds',
      });
      if (result) return;
    } catch {
      // worker still bundling
    }
  }
  throw new Error('the bench worker did not start within 180 s');
}

/**
 * Compiles the worker and its workflow bundle as `npm run build` does, into a folder of the project
 * (the compiled code finds its packages in node_modules from there), removed when the bench stops.
 */
async function compileWorker(stops: Array<() => Promise<void>>): Promise<string> {
  const outDir = path.join(PROJECT_DIR, '.data', `bench-worker-${process.pid}`);
  stops.push(() => rm(outDir, { recursive: true, force: true }));
  await buildDist(outDir);
  return path.join(outDir, 'worker', 'main.js');
}
