import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { StartupError } from './startup-error';

const run = promisify(execFile);

/** The tag DESIGN.md §1 names: later tags carry a replace directive and do not `go install`. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface FindTemporalCliOptions {
  projectDir: string;
  env?: NodeJS.ProcessEnv;
  /** Build with Go when nothing is found (takes minutes the first time). */
  build?: boolean;
  log?: (line: string) => void;
}

/** Machine-wide cache that survives fresh clones (CI clones anew; the machine keeps $HOME). */
export function sharedCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.HOME ?? os.homedir(), '.cache', 'entra-card-sync', 'bin', 'temporal');
}

/**
 * Finds the Temporal CLI in the order of DESIGN.md §1: TEMPORAL_CLI, PATH, .tools/bin, the shared
 * cache; else builds it with `go install` into .tools/bin.
 */
export async function findTemporalCli(opts: FindTemporalCliOptions): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  if (env.TEMPORAL_CLI) {
    if (!existsSync(env.TEMPORAL_CLI))
      throw new StartupError(
        `TEMPORAL_CLI=${env.TEMPORAL_CLI} does not exist: point it at the temporal binary, or unset it`,
      );
    return env.TEMPORAL_CLI;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'temporal'))) return path.join(dir, 'temporal');
  }
  const local = path.join(opts.projectDir, '.tools', 'bin', 'temporal');
  if (existsSync(local)) return local;
  if (existsSync(sharedCliPath(env))) return sharedCliPath(env);
  const fixes =
    `download the CLI (https://temporal.download/cli) and set TEMPORAL_CLI=/path/to/temporal, ` +
    'or set TEMPORAL_ADDRESS to a running Temporal server';
  if (opts.build === false) throw new StartupError(`no Temporal CLI found: ${fixes}`);
  log(`building the Temporal CLI with Go (${TEMPORAL_CLI_MODULE}); this takes a few minutes once`);
  try {
    await run('go', ['install', TEMPORAL_CLI_MODULE], {
      env: { ...env, GOBIN: path.dirname(local) },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new StartupError(
        `no Temporal CLI found (TEMPORAL_CLI, PATH, .tools/bin, ${sharedCliPath(env)}) and no Go to build it: ` +
          `install Go (https://go.dev/dl) and start again, or ${fixes}`,
      );
    }
    const last = (e.stderr ?? e.message).trim().split('\n').pop();
    throw new StartupError(`could not build the Temporal CLI with Go (${last}): ${fixes}`);
  }
  return local;
}
