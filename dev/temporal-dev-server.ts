import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from './embedded-postgres';
import { StartupError } from './startup-error';
import { stopChild } from './stop-child';
import { SEARCH_ATTRIBUTE_KEYS } from '../contracts/search-attributes';

export interface DevServerHandle {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

export interface StartDevServerOptions {
  cliPath: string;
  /** SQLite file; omitted = in memory. */
  dbFile?: string;
  /** 0 = free port. */
  port?: number;
  /** null = headless. */
  uiPort?: number | null;
  namespace?: string;
  log?: (line: string) => void;
  /** Appends the server's output here too, for the operator to read when it will not start. */
  logFile?: string;
}

/** Runs `temporal server start-dev` with our search attributes and waits until it answers. */
export async function startTemporalDevServer(opts: StartDevServerOptions): Promise<DevServerHandle> {
  const port = opts.port || (await freePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push('--namespace', opts.namespace ?? 'default');
  for (const key of SEARCH_ATTRIBUTE_KEYS) args.push('--search-attribute', `${key.name}=Keyword`);
  if (opts.dbFile) {
    await mkdir(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  const uiPort = opts.uiPort === undefined ? port + 1000 : opts.uiPort;
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  args.push('--http-port', String(await freePort()), '--metrics-port', String(await freePort()));

  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : null;
  logFile?.on('error', () => {}); // the log file is a help, never a reason to fail
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 200) output.shift();
    logFile?.write(text);
    opts.log?.(text.trimEnd());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('exit', () => logFile?.end());
  const address = `127.0.0.1:${port}`;
  await waitUntilReady({ address, child, output, cliPath: opts.cliPath, logFile: opts.logFile });
  return {
    address,
    uiUrl: uiPort === null ? null : `http://127.0.0.1:${uiPort}`,
    stop: () => stopChild(child, 10_000),
  };
}

async function waitUntilReady(args: {
  address: string;
  child: ChildProcess;
  output: string[];
  cliPath: string;
  logFile?: string;
}): Promise<void> {
  const { address, child, output } = args;
  const deadline = Date.now() + 60_000;
  let ended: string | null = null;
  child.once('exit', (code, signal) => (ended = signal ?? `exit ${code}`));
  // A CLI path that cannot be run ends here, not as an unhandled 'error' event.
  child.once('error', (err: NodeJS.ErrnoException) => (ended = err.code ?? err.message));
  const lastLines = () => {
    const lines = output.join('').trim().split('\n').filter(Boolean).slice(-3);
    const where = args.logFile ? ` (log: ${args.logFile})` : '';
    return lines.length ? `last lines of its log${where}: ${lines.join(' | ')}` : `it wrote nothing${where}`;
  };
  while (Date.now() < deadline) {
    if (ended) {
      throw new StartupError(
        `the Temporal dev server (${args.cliPath}) did not start (${ended}); ${lastLines()}. ` +
          'Fix what it says, set TEMPORAL_CLI to a working CLI, or set TEMPORAL_ADDRESS to a running server',
      );
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.healthService.check({});
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  child.kill('SIGKILL');
  throw new StartupError(
    `the Temporal dev server (${args.cliPath}) did not answer on ${address} within 60 s; ${lastLines()}`,
  );
}
