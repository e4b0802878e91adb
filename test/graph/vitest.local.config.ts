import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Runs only the Entra/emulator and outbound-policy tests, with a global setup that starts just the emulator:
 *   npx vitest run --config test/graph/vitest.local.config.ts
 */
export default defineConfig({
  test: {
    root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
    include: ['test/graph/**/*.test.ts', 'test/net/**/*.test.ts'],
    globalSetup: ['test/graph/local-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
