import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmbeddedPostgres } from '../../dev/embedded-postgres';
import { findPostgresBinaries } from '../../dev/postgres-binaries';
import { StartupError } from '../../dev/startup-error';
import { findTemporalCli } from '../../dev/temporal-cli';
import { startTemporalDevServer } from '../../dev/temporal-dev-server';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a dev entry point (`dev/start.ts`, `dev/services.ts`) and returns its exit code and stderr. */
function runEntry(entry: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', path.join(projectDir, entry)],
      { cwd: projectDir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 },
      (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    );
  });
}

/** Holds a port on every interface, as another program would. */
async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function failure(promise: Promise<unknown>): Promise<StartupError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StartupError);
  expect((err as Error).message).not.toContain('\n');
  return err as StartupError;
}

describe('start-up errors are one line that says what to do', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'ecs-startup-errors-'));
    // Ours, under tmp: as root, Postgres (run as `postgres`) keeps its data in here.
    await chmod(tmp, 0o755);
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("when the api's port is in use, then `npm start` ends at once with one line naming the port and PORT", async () => {
    const busy = await occupyPort();
    try {
      const { code, stderr } = await runEntry('dev/start.ts', {
        PORT: String(busy.port),
        DATA_DIR: path.join(tmp, 'start-data'),
      });
      expect(code).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`port ${busy.port} \\(the api\\) is already in use: .*set PORT to another port`),
      );
    } finally {
      await busy.close();
    }
  });

  it("when Postgres's port is taken, then the start fails naming that port", async () => {
    const busy = await occupyPort();
    try {
      const err = await failure(
        startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg-port'), port: busy.port }),
      );
      expect(err.message).toMatch(new RegExp(`port ${busy.port} \\(in use\\).*DATABASE_URL`));
    } finally {
      await busy.close();
    }
  });

  it('when the data folder was made by another Postgres major version, then the start says which and what to do', async () => {
    const dataDir = path.join(tmp, 'pg-old');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'PG_VERSION'), '16\n');
    const err = await failure(startEmbeddedPostgres({ dataDir, port: 0 }));
    const major = findPostgresBinaries().major;
    expect(err.message).toContain(
      `${dataDir} was made by PostgreSQL 16, but this checkout runs PostgreSQL ${major}`,
    );
    expect(err.message).toMatch(/move that folder away.*or set DATABASE_URL to a PostgreSQL 16 server/);
  });

  it('when no Temporal CLI is found and there is no Go, then it says how to get one', async () => {
    const emptyPath = path.join(tmp, 'empty-path');
    await mkdir(emptyPath, { recursive: true });
    const err = await failure(
      findTemporalCli({ projectDir: tmp, env: { PATH: emptyPath, HOME: path.join(tmp, 'home') } }),
    );
    expect(err.message).toMatch(/no Temporal CLI found .* and no Go to build it: install Go/);
    expect(err.message).toMatch(/set TEMPORAL_CLI=.*or set TEMPORAL_ADDRESS/);
  });

  it('when the Temporal dev server exits at start, then the error carries the last lines of its log', async () => {
    const cli = path.join(tmp, 'failing-temporal');
    await writeFile(
      cli,
      '#!/bin/sh\necho "starting dev server"\necho "unable to open database file: locked by another server" >&2\nexit 3\n',
      { mode: 0o755 },
    );
    const logFile = path.join(tmp, 'temporal.log');
    const err = await failure(startTemporalDevServer({ cliPath: cli, uiPort: null, logFile }));
    expect(err.message).toMatch(/did not start \(exit 3\); last lines of its log/);
    expect(err.message).toContain('unable to open database file: locked by another server');
    expect(err.message).toContain(logFile);
    expect(await readFile(logFile, 'utf8')).toContain('locked by another server');
  });

  it('when the Temporal CLI path cannot be run, then it fails with one line, not an unhandled error event', async () => {
    const notExecutable = path.join(tmp, 'not-executable');
    await writeFile(notExecutable, 'not a program\n', { mode: 0o644 });
    const err = await failure(startTemporalDevServer({ cliPath: notExecutable, uiPort: null }));
    expect(err.message).toMatch(/did not start \((EACCES|ENOENT)\)/);
  });

  it('when `npm run services` meets a dev server that will not start, then it ends with exactly one line', async () => {
    const cli = path.join(tmp, 'failing-temporal-2');
    await writeFile(cli, '#!/bin/sh\necho "FATAL: port 7233 already bound" >&2\nexit 1\n', { mode: 0o755 });
    const { code, stderr } = await runEntry('dev/services.ts', {
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_CLI: cli,
      DATA_DIR: path.join(tmp, 'services-data'),
    });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /Temporal dev server .* did not start \(exit 1\).*FATAL: port 7233 already bound/,
    );
  });
});
