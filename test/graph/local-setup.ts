import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmulator } from '../../emulator/server';

declare module 'vitest' {
  export interface ProvidedContext {
    emulatorUrl: string;
  }
}

/**
 * Global setup for running test/graph alone (vitest.local.config.ts): just the Graph emulator.
 * NODE_EXTRA_CA_CERTS is set before the test forks start, so they trust the emulator's CA.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'entra-graph-test-'));
  const emulator = await startEmulator({ port: 0, dataDir: path.join(tmp, 'emulator') });
  process.env.NODE_EXTRA_CA_CERTS = emulator.caCertPath;
  project.provide('emulatorUrl', emulator.url);
  return async () => {
    await emulator.close();
    await rm(tmp, { recursive: true, force: true });
  };
}
