import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../db/database';
import { startEmbeddedPostgres } from '../dev/embedded-postgres';
import { migrateToLatest } from '../db/migrate';
import { startEmulator } from '../emulator/server';
import { findTemporalCli } from '../dev/temporal-cli';
import { startTemporalDevServer } from '../dev/temporal-dev-server';
import { writeWorkflowBundle } from '../worker/bundle-workflows';
import { ensureConsoleBuilt } from '../dev/console-build';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    emulatorUrl: string;
    workflowBundlePath: string;
  }
}

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts the real stack once for the whole run: Postgres (embedded, or TEST_DATABASE_URL), a Temporal
 * dev server (or TEST_TEMPORAL_ADDRESS) and the HTTPS Graph emulator, on free ports.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'entra-card-sync-test-'));
  // Our own folder (mkdtemp makes it 0700): as root, Postgres runs as `postgres` and keeps its data here.
  await chmod(tmp, 0o755);
  const stops: Array<() => Promise<void>> = [];
  const log = process.env.TEST_STACK_LOG ? (line: string) => console.error(line) : undefined;

  const emulator = await startEmulator({ port: 0, dataDir: path.join(tmp, 'emulator') });
  stops.push(() => emulator.close());
  // Test forks are spawned after this, so they inherit the trust of the emulator's CA.
  process.env.NODE_EXTRA_CA_CERTS = emulator.caCertPath;

  const [databaseUrl, temporalAddress, , workflowBundlePath] = await Promise.all([
    (async () => {
      if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
      const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'postgres'), port: 0, onLog: log });
      stops.push(() => pg.stop());
      return pg.url;
    })(),
    (async () => {
      if (process.env.TEST_TEMPORAL_ADDRESS) return process.env.TEST_TEMPORAL_ADDRESS;
      const cliPath = await findTemporalCli({ projectDir, log: (l) => console.error(l) });
      const server = await startTemporalDevServer({ cliPath, uiPort: null, log });
      stops.push(() => server.stop());
      return server.address;
    })(),
    // The browser tests load the console the api serves; a clean clone has not built it yet.
    ensureConsoleBuilt(),
    (async () => {
      const file = path.join(tmp, 'workflow-bundle.js');
      await writeWorkflowBundle(file);
      return file;
    })(),
  ]);

  const db = createDatabase({ url: databaseUrl, max: 2 });
  await migrateToLatest(db);
  await db.destroy();

  project.provide('databaseUrl', databaseUrl);
  project.provide('temporalAddress', temporalAddress);
  project.provide('emulatorUrl', emulator.url);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => console.error('teardown:', err));
    await rm(tmp, { recursive: true, force: true });
  };
}
