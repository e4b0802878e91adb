/**
 * `npm run emulator`: runs the Graph emulator standalone and creates the demo tenant.
 * Env: EMULATOR_PORT (default 8443), EMULATOR_HOST (127.0.0.1), EMULATOR_DATA_DIR (.data/emulator).
 */
import { resolve } from 'node:path';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, createDemoTenant } from './demo-tenant';
import { startEmulator } from './server';

const emulator = await startEmulator({
  port: Number(process.env.EMULATOR_PORT ?? 8443),
  host: process.env.EMULATOR_HOST ?? '127.0.0.1',
  dataDir: resolve(process.env.EMULATOR_DATA_DIR ?? '.data/emulator'),
});
const demo = createDemoTenant(emulator.tenants);

process.stdout.write(
  [
    `Graph emulator listening on ${emulator.url}`,
    `  CA certificate: ${emulator.caCertPath}`,
    `  trust it with:  NODE_EXTRA_CA_CERTS=${emulator.caCertPath}`,
    `  demo tenant:    ${DEMO_TENANT_ID} (client ${DEMO_CLIENT_ID}, secret ${DEMO_CLIENT_SECRET})`,
    `  demo groups:    ${demo.groups.map((g) => `${g.displayName} ${g.id}`).join(', ')}`,
    `  control API:    ${emulator.url}/_emulator/health`,
    '',
  ].join('\n'),
);

const shutdown = () => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
