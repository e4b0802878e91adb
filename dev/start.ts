import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../config/config';
import { createDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { ensureConsoleBuilt } from './console-build';
import { startDemo, type DemoHandle } from './demo';
import { stopChild } from './stop-child';
import { writeCaBundle } from './ca-bundle';
import { ensurePortFree } from './port-check';
import { startupLine } from './startup-error';
import { onShutdownSignal, PROJECT_DIR, startLocalServices } from './local-services';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../worker/node-flags';

/**
 * `npm start`: the whole system on embedded defaults — Postgres, Temporal dev server, worker, api,
 * and (when no Entra connection is configured) the Graph emulator with a demo directory.
 */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = loadConfig();
  const say = (line: string) => console.log(`[start] ${line}`);
  const dataDir = path.resolve(PROJECT_DIR, config.dataDir);
  // Before minutes of start-up: the api is the one port with no fallback (its URL is the product).
  await ensurePortFree(config.port, 'the api', 'PORT');
  const services = await startLocalServices(config, say);
  const children: ChildProcess[] = [];
  let demo: DemoHandle | null = null;
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await Promise.all(children.map((child) => stopChild(child, 15_000)));
    await demo?.stop();
    await services.stop();
    say('stopped');
    process.exit(code);
  };
  onShutdownSignal(() => void stopAll(0));

  try {
    const db = createDatabase({ url: services.databaseUrl, max: 3 });
    await migrateToLatest(db);
    demo = await startDemo({ db, config, dataDir, log: say });
    // The console is a convenience: a failed build (Vite wants Node 20.19+) must not stop the system.
    await ensureConsoleBuilt().then(
      (built) => built && say('built the console (dist/console)'),
      (err: unknown) => say(`the console could not be built (${startupLine(err)}); /console answers 503`),
    );
    await db.destroy();
    // The demo's CA is trusted beside the operator's own (a proxy's, say), never instead of it.
    const caBundle = demo
      ? await writeCaBundle({
          dataDir,
          operatorCaFile: process.env.NODE_EXTRA_CA_CERTS,
          demoCaFile: demo.caCertPath,
        })
      : null;

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: services.databaseUrl,
      TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_UI_URL: services.temporalUiUrl ?? config.temporalUiUrl,
      PORT: String(config.port),
      ...(caBundle ? { NODE_EXTRA_CA_CERTS: caBundle } : {}),
      // the demo's emulator is the one host besides Microsoft's the processes may call; the operator's entries stay
      ...(demo
        ? {
            OUTBOUND_ALLOW_HOSTS: [process.env.OUTBOUND_ALLOW_HOSTS, new URL(demo.emulatorUrl).host]
              .filter(Boolean)
              .join(','),
          }
        : {}),
    };
    for (const [name, entry] of [
      ['worker', 'worker/main.ts'],
      ['api', 'api/main.ts'],
    ] as const) {
      const flags = name === 'worker' ? WORKER_NODE_FLAGS : [];
      const child = spawn(process.execPath, [...flags, '--import', 'tsx', path.join(PROJECT_DIR, entry)], {
        env: name === 'worker' ? { ...env, ...WORKER_ENV } : env,
        stdio: 'inherit',
        cwd: PROJECT_DIR,
      });
      child.once('exit', (code, signal) => {
        if (!stopping) {
          say(`${name} exited (${signal ?? code}); stopping everything`);
          void stopAll(1);
        }
      });
      children.push(child);
    }
    const apiUrl = `http://localhost:${config.port}`;
    await waitForReady(apiUrl);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    say(`ready in ${seconds} s`);
    console.log(`\n  API             ${apiUrl}   (GET /readyz, /openapi.json)`);
    console.log(`  Console         ${apiUrl}/console/   (sign in with a workspace API key)`);
    console.log(`  API reference   ${apiUrl}/docs`);
    console.log(`  Temporal UI     ${services.temporalUiUrl ?? config.temporalUiUrl}`);
    if (demo) {
      console.log(`  Demo API key    ${demo.apiKey}`);
      console.log(`  Graph emulator  ${demo.emulatorUrl} (demo directory: ${demo.summary})`);
      console.log(
        `\n  try: curl -s -X POST -H "Authorization: Bearer ${demo.apiKey}" ${apiUrl}/v1/groups/${demo.groupId}/sync`,
      );
    }
    console.log('\n  Ctrl-C stops everything; data stays for the next start (see the paths above).\n');
  } catch (err) {
    console.error(`[start] ${startupLine(err)}`);
    if (process.env.DEBUG) console.error(err);
    await stopAll(1);
  }
}

async function waitForReady(apiUrl: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${apiUrl}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the api did not become ready at ${apiUrl}/readyz within 120 s`);
}

main().catch((err) => {
  // One line that says what to do; DEBUG=1 adds the stack.
  console.error(`[start] ${startupLine(err)}`);
  if (process.env.DEBUG) console.error(err);
  process.exit(1);
});
