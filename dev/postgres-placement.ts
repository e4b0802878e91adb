import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { binPath, type PostgresBinaries } from './postgres-binaries';
import { userCan, type OsUser } from './postgres-os-user';
import { StartupError } from './startup-error';

/** Machine-wide folders for what the `postgres` user must reach, tried in this order. */
export const REACHABLE_ROOTS = ['/var/lib/entra-card-sync', path.join(os.tmpdir(), 'entra-card-sync')];

export interface PostgresPlacement {
  /** Folder holding bin/, lib/, share/: the installed one, or a copy the `postgres` user can reach. */
  nativeDir: string;
  dataDir: string;
  /** The per-checkout folder the copy or the data went to, when one was needed. */
  placedIn: string | null;
}

/**
 * As root, Postgres runs as the `postgres` user, which cannot enter a clone in a private folder
 * (/root is mode 700). Rather than loosen the user's folders, whatever it cannot reach goes to a
 * per-checkout folder under /var/lib/entra-card-sync (or the temp folder): the binaries as a copy,
 * a new data folder in place of the unreachable one.
 */
export async function placePostgres(args: {
  binaries: PostgresBinaries;
  dataDir: string;
  user: OsUser | null;
  /** Default REACHABLE_ROOTS; a test passes others. */
  roots?: string[];
}): Promise<PostgresPlacement> {
  const { binaries, user } = args;
  const dataDir = path.resolve(args.dataDir);
  if (!user) return { nativeDir: binaries.nativeDir, dataDir, placedIn: null };

  const binReachable =
    (await userCan(user, '-x', binPath(binaries.nativeDir, 'initdb'))) &&
    (await userCan(user, '-x', binPath(binaries.nativeDir, 'postgres')));
  await mkdir(path.dirname(dataDir), { recursive: true });
  const dataReachable = await userCan(user, '-x', path.dirname(dataDir));
  if (binReachable && dataReachable) return { nativeDir: binaries.nativeDir, dataDir, placedIn: null };

  const checkout = checkoutOf(await realpath(binaries.nativeDir));
  const name = `${path.basename(checkout)}-${shortHash(checkout)}`;
  const placedIn = await reachableFolder(user, name, dataDir, args.roots ?? REACHABLE_ROOTS);
  const nativeDir = binReachable
    ? binaries.nativeDir
    : await copyBinaries(binaries, path.join(placedIn, `postgres-${binaries.version}`));
  return {
    nativeDir,
    dataDir: dataReachable ? dataDir : path.join(placedIn, `${path.basename(dataDir)}-${shortHash(dataDir)}`),
    placedIn,
  };
}

/** The clone that installed the binaries: the folder above its node_modules. */
function checkoutOf(nativeDir: string): string {
  const at = nativeDir.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  return at > 0 ? nativeDir.slice(0, at) : nativeDir;
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

async function reachableFolder(
  user: OsUser,
  name: string,
  dataDir: string,
  roots: string[],
): Promise<string> {
  for (const root of roots) {
    try {
      await mkdir(root, { recursive: true, mode: 0o755 });
      // Only a folder root owns: another user's folder of that name in /tmp is not ours to fill.
      if ((await stat(root)).uid !== 0) continue;
      const folder = path.join(root, name);
      await mkdir(folder, { recursive: true, mode: 0o755 });
      if (await userCan(user, '-x', folder)) return folder;
    } catch {
      // not writable here (read-only /var/lib, say): try the next
    }
  }
  throw new StartupError(
    `Postgres runs as the OS user "${user.name}", which cannot reach ${dataDir} nor ${roots.join(' or ')}: ` +
      `clone into a folder that user can enter, or set DATABASE_URL to a Postgres server`,
  );
}

/** Copies the binaries once per version; a rename makes a half-done copy invisible to other starts. */
async function copyBinaries(binaries: PostgresBinaries, target: string): Promise<string> {
  if (existsSync(binPath(target, 'postgres'))) return target;
  const partial = `${target}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await cp(binaries.nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    // Another start finished the same copy first.
    if (!existsSync(binPath(target, 'postgres'))) throw err;
  }
  return target;
}
