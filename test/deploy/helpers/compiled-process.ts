import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface CompiledProcess {
  child: ChildProcess;
  /** Every JSON log line it printed so far. */
  logs: Array<Record<string, unknown>>;
  /** SIGTERM, then the exit code (null when a signal ended it). */
  stop(): Promise<number | null>;
}

/**
 * Runs a compiled entry point with plain `node` (no tsx), as the image does, and resolves once
 * it logs a line whose `msg` is `readyMessage`.
 */
export async function startCompiled(opts: {
  script: string;
  env: NodeJS.ProcessEnv;
  readyMessage: string;
  nodeFlags?: string[];
  timeoutMs?: number;
}): Promise<CompiledProcess> {
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), opts.script], {
    env: opts.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${opts.script} did not log "${opts.readyMessage}" in time`)),
      opts.timeoutMs ?? 60_000,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === opts.readyMessage) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.script} exited (${code}) before it was ready`));
    });
  });
  await ready;
  return {
    child,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
