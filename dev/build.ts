/**
 * `npm run build`: compiles the entry points to JavaScript in dist/ (ESM, one file per entry,
 * packages left to node_modules) and writes the workflow bundle beside the worker, so the image
 * runs plain `node` with neither tsx nor webpack at start. Fails when the compiled code imports
 * a package that is not a production dependency: the image installs only those.
 */
import { build, type Metafile } from 'esbuild';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { WORKFLOW_BUNDLE_FILE, writeWorkflowBundle } from '../worker/bundle-workflows';
import { buildConsole } from './console-build';
import { fileURLToPath } from 'node:url';

/** What the image runs: the api, the worker, and migrations on their own. */
export const ENTRY_POINTS = ['api/main.ts', 'worker/main.ts', 'db/migrate-cli.ts'];
const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(PROJECT_DIR, 'dist');

/** `@scope/name/sub` → `@scope/name`; `pg/lib` → `pg`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Imports of the compiled code that production installs would lack. */
export function undeclaredImports(metafile: Metafile, dependencies: Record<string, string>): string[] {
  const builtins = new Set(builtinModules);
  const missing = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external) continue;
      const spec = imported.path.replace(/^node:/, '');
      if (imported.path.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]!))
        continue;
      if (!(packageOf(imported.path) in dependencies)) missing.add(packageOf(imported.path));
    }
  }
  return [...missing].sort();
}

/** Compiles the entry points and writes the workflow bundle into `outDir` (emptied first). */
export async function buildDist(outDir: string): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: PROJECT_DIR,
    entryPoints: ENTRY_POINTS,
    outdir: outDir,
    outbase: '.',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const missing = undeclaredImports(result.metafile, pkg.dependencies);
  if (missing.length > 0) {
    throw new Error(
      `the compiled code imports ${missing.join(', ')}, which package.json lists only for development: ` +
        'move it to "dependencies" or stop importing it from production code',
    );
  }
  await writeWorkflowBundle(path.join(outDir, 'worker', WORKFLOW_BUNDLE_FILE));
}

async function main(): Promise<void> {
  const started = Date.now();
  await buildDist(OUT_DIR);
  await buildConsole(path.join(OUT_DIR, 'console'));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const built = ENTRY_POINTS.map((e) => `dist/${e.replace(/\.ts$/, '.js')}`).join(', ');
  console.log(`built ${built}, dist/worker/${WORKFLOW_BUNDLE_FILE} and dist/console in ${seconds} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(PROJECT_DIR, 'dev', 'build.ts')) {
  main().catch((err: unknown) => {
    console.error('build failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
