/**
 * `npm run build:console`: builds the admin console and the API reference (console/) with Vite
 * into dist/console, which the api serves at /console and /docs. `npm run build` always builds
 * it; the first `npm start` and the test setup call ensureConsoleBuilt, which builds only when
 * the build is missing or older than the console's sources.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const CONSOLE_SOURCE_DIR = path.join(PROJECT_DIR, 'console');
export const CONSOLE_BUILD_DIR = path.join(PROJECT_DIR, 'dist', 'console');

/** Builds console/ into `outDir` (emptied first). */
export async function buildConsole(outDir: string = CONSOLE_BUILD_DIR): Promise<void> {
  const { build } = await import('vite');
  // Vite follows NODE_ENV, and vitest (whose setup may call this) sets it to `test`: React's
  // development build would ship. The console is always built for production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(CONSOLE_SOURCE_DIR, 'vite.config.ts'),
      mode: 'production',
      build: { outDir, emptyOutDir: true },
      logLevel: 'warn',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/** The newest modification time under a folder (0 when it does not exist). */
async function newestMtime(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  let newest = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    const { mtimeMs } = await stat(path.join(e.parentPath, e.name));
    newest = Math.max(newest, mtimeMs);
  }
  return newest;
}

/** Builds when the build is missing or a source file is newer; says whether it built. */
export async function ensureConsoleBuilt(outDir: string = CONSOLE_BUILD_DIR): Promise<boolean> {
  const built = await stat(path.join(outDir, 'index.html')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built > 0 && built >= (await newestMtime(CONSOLE_SOURCE_DIR))) return false;
  await buildConsole(outDir);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(PROJECT_DIR, 'dev', 'console-build.ts')) {
  const started = Date.now();
  buildConsole().then(
    () => console.log(`built dist/console in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (err: unknown) => {
      console.error('console build failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
