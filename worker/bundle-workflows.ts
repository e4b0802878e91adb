import { bundleWorkflowCode } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WORKFLOWS_PATH } from './create-worker';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The file `npm run build` writes beside the compiled worker (dist/worker/). */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

/**
 * The workflow bundle `npm run build` made, when this code runs compiled; null when it runs from
 * source (tsx), where the bundle is made at start instead.
 */
export function findPrebuiltWorkflowBundle(): string | null {
  const file = path.join(HERE, WORKFLOW_BUNDLE_FILE);
  return existsSync(file) ? file : null;
}

/**
 * Bundles the workflow code in a child process and returns the bundle's path. Webpack needs a few
 * hundred MB while it runs; in a child that memory goes back to the system instead of staying in
 * the long-lived worker's heap. Source runs only: it runs write-workflow-bundle.ts with tsx.
 */
export async function bundleWorkflowsInChildProcess(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'entra-card-sync-workflows-'));
  const out = path.join(dir, WORKFLOW_BUNDLE_FILE);
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'write-workflow-bundle.ts'), out],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return out;
}

/** Writes the bundled workflow code to `out` (the build, the test global setup and the child above). */
export async function writeWorkflowBundle(out: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: {
      trace() {},
      debug() {},
      info() {},
      warn: console.warn,
      error: console.error,
      log() {},
    } as never,
  });
  await writeFile(out, code);
}
