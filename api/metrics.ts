import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Db } from '../db/database';
import { readWebhookStats, type WebhookStats } from '../db/repositories/webhook-stats';
import { readWorkerCounters, WORKER_COUNTERS, type CounterDelta } from '../db/repositories/worker-counters';
import {
  countRunsByKindTriggerStatus,
  listRunsFinishedAfter,
  type RunCountRow,
} from '../db/repositories/sync-run-queries';

/** What the app reports into; `graphRequest`/`activityRetry` match the worker's ActivityMetrics hooks. */
export interface ApiMetrics {
  registry: Registry;
  httpRequest(info: { method: string; route: string; status: number; seconds: number }): void;
  graphRequest(info: { path: string; status: number; throttled: boolean }): void;
  activityRetry(activity: string): void;
}

const ACTIVE = new Set(['running', 'waiting_approval']);

/**
 * Registers the API's metrics on `registry`. Sync-run counts are read from the sync_runs table at
 * scrape time, so they include runs the worker and schedules started, not just this process's.
 */
export function createApiMetrics(registry: Registry, db: Db): ApiMetrics {
  // One query per scrape: prom-client collects every metric at once, so they share the result.
  let pending: { at: number; rows: Promise<RunCountRow[]> } | null = null;
  const runCounts = () => {
    if (!pending || Date.now() - pending.at > 1000)
      pending = { at: Date.now(), rows: countRunsByKindTriggerStatus(db) };
    return pending.rows;
  };

  const runCounter = (name: string, help: string, match: (status: string) => boolean) =>
    new Counter({
      name,
      help,
      labelNames: ['kind', 'trigger'] as const,
      registers: [registry],
      async collect() {
        const rows = await runCounts();
        this.reset();
        for (const row of rows)
          if (match(row.status)) this.inc({ kind: row.kind, trigger: row.trigger }, Number(row.count));
      },
    });
  runCounter('entra_sync_runs_started_total', 'Sync runs started, by kind and trigger', () => true);
  runCounter('entra_sync_runs_completed_total', 'Sync runs completed', (s) => s === 'completed');
  runCounter('entra_sync_runs_failed_total', 'Sync runs failed', (s) => s === 'failed');
  runCounter('entra_sync_runs_canceled_total', 'Sync runs canceled', (s) => s === 'canceled');
  new Gauge({
    name: 'entra_sync_runs_in_progress',
    help: 'Sync runs running or waiting for approval',
    labelNames: ['kind', 'trigger', 'status'] as const,
    registers: [registry],
    async collect() {
      const rows = await runCounts();
      this.reset();
      for (const row of rows) {
        if (ACTIVE.has(row.status))
          this.set({ kind: row.kind, trigger: row.trigger, status: row.status }, Number(row.count));
      }
    },
  });

  // Durations are observed once per run as it is seen finished; like any histogram it starts
  // empty when the process starts, so it covers runs finished since then.
  let watermark = { finishedAt: new Date().toISOString(), id: '00000000-0000-0000-0000-000000000000' };
  new Histogram({
    name: 'entra_sync_run_duration_seconds',
    help: 'Wall time of finished sync runs, by kind and final status',
    labelNames: ['kind', 'status'] as const,
    buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers: [registry],
    async collect() {
      for (let round = 0; round < 10; round++) {
        const rows = await listRunsFinishedAfter(db, watermark, 1000);
        for (const row of rows)
          this.observe({ kind: row.kind, status: row.status }, Math.max(0, Number(row.seconds)));
        const last = rows[rows.length - 1];
        if (last) watermark = { finishedAt: last.finishedAtKey, id: last.id };
        if (rows.length < 1000) break;
      }
    },
  });

  // Webhook delivery happens in the workers; what it still owes is in Postgres for any scrape.
  // The gauges of one scrape share one read (prom-client collects them at once); the next reads anew.
  let webhookStats: Promise<WebhookStats | null> | null = null;
  const webhooks = () =>
    (webhookStats ??= readWebhookStats(db)
      .catch(() => null)
      .finally(() => {
        webhookStats = null;
      }));
  new Gauge({
    name: 'entra_webhook_endpoints',
    help: 'Webhook endpoints of every workspace, by status (enabled, disabled)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await webhooks())?.endpoints ?? []) this.set({ status: row.status }, row.count);
    },
  });
  new Gauge({
    name: 'entra_webhook_deliveries_pending',
    help: 'Webhook deliveries still owed: waiting for their turn or their next attempt',
    registers: [registry],
    async collect() {
      this.set((await webhooks())?.pending ?? 0);
    },
  });
  new Gauge({
    name: 'entra_webhook_oldest_pending_seconds',
    help: 'Age of the oldest webhook delivery still owed (0 when none is)',
    registers: [registry],
    async collect() {
      this.set((await webhooks())?.oldestPendingSeconds ?? 0);
    },
  });

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Graph requests and activity retries happen mostly in the worker, which adds its counts to
  // Postgres (worker/metrics.ts); these counters report this process's own plus the worker's.
  let workerRows: { at: number; rows: Promise<CounterDelta[]> } | null = null;
  const workerCounts = async (name: string) => {
    if (!workerRows || Date.now() - workerRows.at > 1000)
      workerRows = { at: Date.now(), rows: readWorkerCounters(db).catch(() => []) };
    return (await workerRows.rows).filter((r) => r.name === name);
  };
  const local = new Map<string, Map<string, number>>();
  const addLocal = (name: string, labels: Record<string, string>) => {
    const byLabels = local.get(name) ?? new Map<string, number>();
    const key = JSON.stringify(labels);
    byLabels.set(key, (byLabels.get(key) ?? 0) + 1);
    local.set(name, byLabels);
  };
  const processCounter = (name: string, help: string, labelNames: string[]) =>
    new Counter({
      name,
      help,
      labelNames: [...labelNames, 'process'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [labels, value] of local.get(name) ?? [])
          this.inc({ ...JSON.parse(labels), process: 'api' }, value);
        for (const row of await workerCounts(name))
          this.inc({ ...JSON.parse(row.labels), process: 'worker' }, row.value);
      },
    });
  processCounter(WORKER_COUNTERS.graphRequests, 'Microsoft Graph requests, by status and process', [
    'status',
  ]);
  processCounter(
    WORKER_COUNTERS.graphThrottled,
    'Microsoft Graph responses that asked to slow down (429/503/504)',
    [],
  );
  processCounter(WORKER_COUNTERS.activityRetries, 'Activity attempts after the first, by activity', [
    'activity',
  ]);

  return {
    registry,
    httpRequest({ method, route, status, seconds }) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    graphRequest({ status, throttled }) {
      addLocal(WORKER_COUNTERS.graphRequests, { status: String(status) });
      if (throttled) addLocal(WORKER_COUNTERS.graphThrottled, {});
    },
    activityRetry(activity) {
      addLocal(WORKER_COUNTERS.activityRetries, { activity });
    },
  };
}
