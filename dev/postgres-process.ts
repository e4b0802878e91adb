import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { binPath } from './postgres-binaries';
import type { OsUser } from './postgres-os-user';
import { StartupError } from './startup-error';

/** The cluster's superuser and password (local only: Postgres listens on 127.0.0.1). */
export const PG_SUPERUSER = 'postgres';
export const PG_PASSWORD = 'postgres';

const asUser = (user: OsUser | null) => (user ? { uid: user.uid, gid: user.gid } : {});
// C messages: start-up is recognised by an English line, whatever the machine's locale.
const childEnv = () => ({ ...process.env, LC_MESSAGES: 'C' });

/** Creates a cluster in `dataDir`, owned by the user Postgres runs as. */
export async function initdb(
  nativeDir: string,
  dataDir: string,
  user: OsUser | null,
  log: (l: string) => void,
) {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user) await chown(dataDir, user.uid, user.gid);
  // The password file must be readable by the user initdb runs as; it lives only while initdb runs.
  const pwFile = path.join(os.tmpdir(), `entra-card-sync-pw-${randomBytes(6).toString('hex')}`);
  await writeFile(pwFile, `${PG_PASSWORD}\n`, { mode: 0o600 });
  if (user) await chown(pwFile, user.uid, user.gid);
  try {
    const args = [
      `--pgdata=${dataDir}`,
      '--auth=password',
      `--username=${PG_SUPERUSER}`,
      `--pwfile=${pwFile}`,
    ];
    args.push('--lc-messages=C', '--encoding=UTF8');
    const result = await runToEnd(binPath(nativeDir, 'initdb'), args, user, log);
    if (result.code !== 0) {
      throw new StartupError(
        `initdb could not create the Postgres data folder ${dataDir} (exit ${result.code}): ${lastLines(result.output, 2)}`,
      );
    }
  } finally {
    await rm(pwFile, { force: true });
  }
}

function runToEnd(file: string, args: string[], user: OsUser | null, log: (l: string) => void) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(file, args, { ...asUser(user), env: childEnv() });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      log(chunk.toString().trimEnd());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => reject(spawnFailure(file, err, user)));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Starts `postgres` and resolves once it accepts connections; a failed start is one StartupError. */
export function startServer(
  nativeDir: string,
  dataDir: string,
  port: number,
  user: OsUser | null,
  extraFlags: string[],
  log: (l: string) => void,
): Promise<ChildProcess> {
  // No unix socket: the default socket folder may not exist or be writable on this machine.
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
  args.push('-c', 'unix_socket_directories=', '-c', 'max_connections=200', ...extraFlags);
  const file = binPath(nativeDir, 'postgres');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...asUser(user), env: childEnv() });
    let output = '';
    let ready = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      log(chunk.toString().trimEnd());
      if (!ready && output.includes('database system is ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => reject(spawnFailure(file, err, user)));
    child.once('exit', (code, signal) => {
      if (ready) return;
      if (/could not bind|Address already in use/i.test(output)) {
        reject(
          new StartupError(
            `Postgres could not listen on port ${port} (in use): stop what listens there, or set DATABASE_URL to a running Postgres`,
          ),
        );
      } else {
        reject(
          new StartupError(
            `Postgres (data folder ${dataDir}) stopped while starting (${signal ?? `exit ${code}`}): ${lastLines(output, 2)}`,
          ),
        );
      }
    });
  });
}

function spawnFailure(file: string, err: NodeJS.ErrnoException, user: OsUser | null): StartupError {
  const who = user ? `the OS user "${user.name}"` : 'this user';
  return new StartupError(
    `could not run ${file} as ${who} (${err.code ?? err.message}): reinstall with \`npm ci\`, or set DATABASE_URL to a Postgres server`,
  );
}

const lastLines = (text: string, n: number) => text.trim().split('\n').slice(-n).join(' | ') || '(no output)';
