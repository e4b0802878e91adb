import { bundleWorkflowCode } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WORKFLOWS_PATH } from './create-worker';

const SELF = fileURLToPath(import.meta.url);

/**
 * Bundles the workflow code in a child process and returns the bundle's path. Webpack needs a few
 * hundred MB while it runs; in a child that memory goes back to the system instead of staying in
 * the long-lived worker's heap.
 */
export async function bundleWorkflowsInChildProcess(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'entra-card-sync-workflows-'));
  const out = path.join(dir, 'workflow-bundle.js');
  await promisify(execFile)(process.execPath, ['--import', 'tsx', SELF, out], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return out;
}

/** Writes the bundled workflow code to `out` (the test global setup bundles once this way). */
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

if (process.argv[1] === SELF && process.argv[2]) {
  writeWorkflowBundle(process.argv[2]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
