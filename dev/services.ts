import { loadConfig } from '../config/config';
import { createDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { onShutdownSignal, startLocalServices } from './local-services';
import { startupLine } from './startup-error';

/** `npm run services`: Postgres and Temporal only, for running the worker and api by hand. */
async function main(): Promise<void> {
  const config = loadConfig();
  const services = await startLocalServices(config, (line) => console.log(line));
  const db = createDatabase({ url: services.databaseUrl, max: 2 });
  await migrateToLatest(db);
  await db.destroy();
  console.log(`\nDATABASE_URL=${services.databaseUrl}`);
  console.log(`TEMPORAL_ADDRESS=${services.temporalAddress}`);
  if (services.temporalUiUrl) console.log(`TEMPORAL_UI_URL=${services.temporalUiUrl}`);
  console.log('\nexport these, then `npm run worker` and `npm run api` in other shells. Ctrl-C stops.');
  await new Promise<void>((resolve) => onShutdownSignal(resolve));
  await services.stop();
}

main().catch((err) => {
  // One line that says what to do; DEBUG=1 adds the stack.
  console.error(startupLine(err));
  if (process.env.DEBUG) console.error(err);
  process.exit(1);
});
