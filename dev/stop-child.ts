import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child process with `signal` (SIGTERM unless told), and SIGKILL if it is still running
 * after `forceAfterMs`. Resolves at once for a child that has already ended, by exit or by a
 * signal: a Ctrl-C in a terminal reaches every process of the foreground group, children included.
 */
export function stopChild(
  child: ChildProcess,
  forceAfterMs: number,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), forceAfterMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
