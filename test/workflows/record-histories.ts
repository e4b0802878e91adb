/**
 * Records a workflow history of every scenario in history-scenarios.ts (every workflow type, along
 * each path worth keeping) into test/workflows/histories/<label>/, for replay.test.ts. Run by hand
 * when a workflow changes, BEFORE the change is committed, so histories made by the code that is
 * running in production stay replayable:
 *
 *   TEMPORAL_CLI=.tools/bin/temporal node --import tsx test/workflows/record-histories.ts \
 *     --workflows <path to a checkout's workflows/index.ts> --label <short commit or name>
 *
 * Without --workflows it records this checkout's workflows under --label (default `current`).
 * Activities are the stubs of test/helpers/stub-activities.ts; the server is a Temporal dev server
 * with our search attributes (the histories look like a real worker's, with no database behind).
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { findTemporalCli } from '../../dev/temporal-cli';
import { startTemporalDevServer } from '../../dev/temporal-dev-server';
import { historyToJson } from '../helpers/history-json';
import { stubActivities } from '../helpers/stub-activities';
import { HISTORY_SCENARIOS } from './history-scenarios';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectDir = path.resolve(here, '..', '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workflows: { type: 'string', default: path.join(projectDir, 'workflows', 'index.ts') },
      label: { type: 'string', default: 'current' },
      only: { type: 'string' },
    },
  });
  const outDir = path.join(here, 'histories', values.label!);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { code } = await bundleWorkflowCode({ workflowsPath: path.resolve(values.workflows!) });
  const server = await startTemporalDevServer({
    cliPath: await findTemporalCli({ projectDir, log: console.error }),
    uiPort: null,
  });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    if (!values.only) await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    for (const scenario of HISTORY_SCENARIOS) {
      if (values.only && scenario.name !== values.only) continue;
      const taskQueue = `record-${randomUUID()}`;
      const stubs = stubActivities(scenario.overrides, { groupIds: scenario.groupIds });
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle: { code },
        activities: stubs.activities,
      });
      // A workflow task that keeps failing (a bug in the recorded code) would wait forever.
      const workflowIds = await worker.runUntil(
        Promise.race([
          scenario.run({ client, taskQueue }),
          sleep(60_000).then(() =>
            Promise.reject(new Error(`${scenario.name} did not end; see the worker's warnings`)),
          ),
        ]),
      );
      for (const [i, workflowId] of workflowIds.entries()) {
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        const file = i === 0 ? `${scenario.name}.json` : `${scenario.name}.child-${i}.json`;
        // Formatted as `prettier --check .` (run by lint) wants it.
        const out = path.join(outDir, file);
        const options = { ...(await resolveConfig(out)), parser: 'json' };
        await writeFile(out, await format(historyToJson(history), options));
      }
      console.error(`recorded ${scenario.name} (${workflowIds.length} histories)`);
    }
  } finally {
    await connection.close();
    await nativeConnection.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
