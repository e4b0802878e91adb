import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index';
import { createApp, type AppDeps } from '../../api/app';
import type { EntraClientFactory } from '../../api/entra';
import type { Db } from '../../db/database';
import type { SyncRunRow } from '../../db/schema';
import { createEmulatorControl, type EmulatedTenant } from '../../emulator/control-client';
import { emulatorEntraClientFor, emulatorOutboundPolicy } from '../helpers/outbound';
import { formatLocalDateTime, localDateTimeAt } from '../../schedules/time-zones';
import { startTestWorker, testDb, testTemporalClient, type RunningTestWorker } from '../helpers/stack';

export const ADMIN_TOKEN = 'schedules-test-admin-token';
const ENCRYPTION_KEY = Buffer.alloc(32, 9);

export interface ScheduleTestStack {
  app: Express;
  db: Db;
  temporal: Awaited<ReturnType<typeof testTemporalClient>>['client'];
  /** The task queue schedules start workflows on; a real worker polls it when `worker: true`. */
  taskQueue: string;
  worker: RunningTestWorker | null;
  createWorkspace(): Promise<{ id: string; apiKey: string }>;
  close(): Promise<void>;
}

/**
 * The API (with schedules) on the shared Postgres and Temporal; with `worker: true`, a real
 * worker with every activity on the task queue the schedules use.
 */
export async function startScheduleTest(opts: {
  worker: boolean;
  /** Extra app deps (the console tests pass consoleDir). */
  app?: Partial<AppDeps>;
}): Promise<ScheduleTestStack> {
  const db = testDb();
  const temporal = await testTemporalClient();
  const deps = { db, encryptionKey: ENCRYPTION_KEY, entraClientFor: emulatorEntraClientFor() };
  const worker = opts.worker ? await startTestWorker({ activities: createActivities(deps) }) : null;
  const taskQueue = worker?.taskQueue ?? `schedules-test-${randomUUID()}`;
  const app = createApp({
    db,
    temporal: temporal.client,
    config: {
      taskQueue,
      temporalNamespace: 'default',
      temporalUiUrl: 'http://ui.test',
      adminToken: ADMIN_TOKEN,
      encryptionKey: ENCRYPTION_KEY,
    },
    entraClientFor: emulatorEntraClientFor() as unknown as EntraClientFactory,
    outboundPolicy: emulatorOutboundPolicy(),
    logger: pino({ level: process.env.TEST_API_LOG ? 'debug' : 'silent' }),
    metricsRegistry: new Registry(),
    rateLimit: { capacity: 10_000, refillPerSecond: 10_000 },
    ...opts.app,
  });
  const workspaceIds: string[] = [];

  return {
    app,
    db,
    temporal: temporal.client,
    taskQueue,
    worker,
    async createWorkspace() {
      const res = await request(app)
        .post('/v1/workspaces')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: `sched-${randomUUID().slice(0, 8)}` });
      if (res.status !== 201) throw new Error(`workspace not created: ${res.status} ${res.text}`);
      workspaceIds.push(res.body.id);
      return { id: res.body.id, apiKey: res.body.apiKey };
    },
    async close() {
      if (workspaceIds.length > 0) {
        // Schedules first (they would start more), then whatever is still running.
        const schedules = await db
          .selectFrom('schedules')
          .select('temporalScheduleId')
          .where('workspaceId', 'in', workspaceIds)
          .execute();
        for (const s of schedules)
          await temporal.client.schedule
            .getHandle(s.temporalScheduleId)
            .delete()
            .catch(() => {});
        const runs = await db
          .selectFrom('syncRuns')
          .select(['workflowId'])
          .where('workspaceId', 'in', workspaceIds)
          .execute();
        for (const workflowId of new Set(runs.map((r) => r.workflowId))) {
          await temporal.client.workflow
            .getHandle(workflowId)
            .terminate('schedules test cleanup')
            .catch(() => {});
        }
      }
      await worker?.stop();
      await temporal.close();
      await db.destroy();
    },
  };
}

/** Authorised supertest calls for one workspace key. */
export function as(app: Express, apiKey: string) {
  const auth = { Authorization: `Bearer ${apiKey}` };
  return {
    get: (path: string) => request(app).get(path).set(auth),
    post: (path: string, body?: object) =>
      body === undefined ? request(app).post(path).set(auth) : request(app).post(path).set(auth).send(body),
    delete: (path: string) => request(app).delete(path).set(auth),
  };
}

/** A fresh emulated tenant whose groups hold disjoint slices of its users. */
export async function createTenant(groupSizes: number[]): Promise<EmulatedTenant> {
  const control = createEmulatorControl(inject('emulatorUrl'));
  let offset = 0;
  const groups = groupSizes.map((users, i) => {
    const spec = { displayName: `Team ${i + 1}`, users, userOffset: offset };
    offset += users;
    return spec;
  });
  // Generated users are varied (some disabled, guests or without mail); extra users leave room.
  return control.createTenant({ users: offset + 5, seed: Math.floor(Math.random() * 1e6), groups });
}

/** Connects the workspace to the tenant and links its groups; returns our group ids in tenant order. */
export async function linkTenant(app: Express, apiKey: string, tenant: EmulatedTenant): Promise<string[]> {
  const api = as(app, apiKey);
  const conn = await request(app).put('/v1/entra-connection').set('Authorization', `Bearer ${apiKey}`).send({
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    authorityHost: tenant.authorityHost,
    graphBaseUrl: tenant.graphBaseUrl,
  });
  if (conn.status !== 200) throw new Error(`connection not saved: ${conn.status} ${conn.text}`);
  const ids: string[] = [];
  for (const group of tenant.groups) {
    const res = await api.post('/v1/groups', { entraGroupId: group.id, name: group.displayName ?? group.id });
    if (res.status !== 201) throw new Error(`group not linked: ${res.status} ${res.text}`);
    ids.push(res.body.id);
  }
  return ids;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function runsOf(
  db: Db,
  workspaceId: string,
  filter: Partial<Pick<SyncRunRow, 'groupId' | 'kind' | 'trigger'>> = {},
) {
  let query = db.selectFrom('syncRuns').selectAll().where('workspaceId', '=', workspaceId);
  if (filter.groupId) query = query.where('groupId', '=', filter.groupId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.trigger) query = query.where('trigger', '=', filter.trigger);
  return query.orderBy('startedAt').execute();
}

/** A local date-time in `timeZone`, `seconds` from now, as the API's `at` takes it. */
export function localAt(timeZone: string, secondsFromNow: number): string {
  return formatLocalDateTime(localDateTimeAt(new Date(Date.now() + secondsFromNow * 1000), timeZone));
}
