import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config';
import { freePort, startEmbeddedPostgres } from './embedded-postgres';
import { findTemporalCli } from './temporal-cli';
import { startTemporalDevServer } from './temporal-dev-server';

export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface LocalServices {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  /** Which of them this process started (and will stop). */
  started: string[];
  stop(): Promise<void>;
}

/**
 * Postgres and Temporal as the config asks: the given URLs, else an embedded Postgres in
 * `<dataDir>/postgres` and a Temporal dev server persisting to `<dataDir>/temporal.db`.
 */
export async function startLocalServices(
  config: Config,
  log: (line: string) => void,
): Promise<LocalServices> {
  const dataDir = path.resolve(PROJECT_DIR, config.dataDir);
  const stops: Array<() => Promise<void>> = [];
  const started: string[] = [];
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const port = (await isFree(5433)) ? 5433 : await freePort();
      log(`starting embedded Postgres (port ${port}; the first start creates its data folder)`);
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port });
      if (pg.placedIn) {
        log(
          `Postgres runs as the OS user "${pg.osUser}", which cannot enter this checkout: ` +
            `its binaries and data are in ${pg.placedIn} (delete that folder with the checkout)`,
        );
      }
      log(`Postgres data in ${pg.dataDir}`);
      stops.push(() => pg.stop());
      started.push('postgres');
      databaseUrl = pg.url;
    }
    let temporalAddress = config.temporalAddress;
    let temporalUiUrl: string | null = config.temporalUiUrl;
    if (!temporalAddress) {
      const cliPath = await findTemporalCli({ projectDir: PROJECT_DIR, log });
      const port = (await isFree(7233)) ? 7233 : await freePort();
      const uiPort = (await isFree(8233)) ? 8233 : await freePort();
      log(`starting Temporal dev server (${cliPath}, gRPC ${port}, UI ${uiPort})`);
      const server = await startTemporalDevServer({
        cliPath,
        port,
        uiPort,
        dbFile: path.join(dataDir, 'temporal.db'),
        logFile: path.join(dataDir, 'temporal.log'),
        namespace: config.temporalNamespace,
      });
      stops.push(() => server.stop());
      started.push('temporal');
      temporalAddress = server.address;
      temporalUiUrl = server.uiUrl;
    }
    return {
      databaseUrl,
      temporalAddress,
      temporalUiUrl,
      started,
      async stop() {
        for (const stop of stops.reverse()) await stop().catch((err) => log(`stop failed: ${err}`));
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw err;
  }
}

export function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * Replaces any SIGINT/SIGTERM listeners a library registered (an exit hook would stop one service
 * and exit at once, before the worker, api and Temporal are stopped) with ours, which stop
 * everything in order (Postgres last).
 */
export function onShutdownSignal(handler: () => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, handler);
  }
}
