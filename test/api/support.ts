import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createApp, type AppDeps } from '../../api/app';
import type { EntraClientFactory } from '../../api/entra';
import type { Db } from '../../db/database';
import { emulatorOutboundPolicy } from '../helpers/outbound';
import { testDb, testTemporalClient } from '../helpers/stack';

export const ADMIN_TOKEN = 'test-admin-token';
export const ENCRYPTION_KEY = Buffer.alloc(32, 7);

export interface ApiTestContext {
  app: Express;
  db: Db;
  temporal: Awaited<ReturnType<typeof testTemporalClient>>['client'];
  /** No worker polls it: started workflows stay running until cleanup terminates them. */
  taskQueue: string;
  registry: Registry;
  createWorkspace(name?: string): Promise<{ id: string; apiKey: string; apiKeyId: string }>;
  close(): Promise<void>;
}

/** A factory that fails loudly: routes that should not call Graph in a test prove it. */
export const noEntra: EntraClientFactory = () => {
  throw new Error('this test does not expect a Graph call');
};

/** createApp on the shared Postgres and Temporal, with a task queue no worker serves. */
export async function startApiTest(overrides: Partial<AppDeps> = {}): Promise<ApiTestContext> {
  const db = testDb();
  const temporal = await testTemporalClient();
  const taskQueue = `api-test-${randomUUID()}`;
  const registry = new Registry();
  const workspaceIds: string[] = [];
  const app = createApp({
    db,
    temporal: temporal.client,
    config: {
      taskQueue,
      temporalNamespace: 'default',
      temporalUiUrl: 'http://temporal-ui.test',
      adminToken: ADMIN_TOKEN,
      encryptionKey: ENCRYPTION_KEY,
    },
    entraClientFor: noEntra,
    outboundPolicy: emulatorOutboundPolicy(),
    logger: pino({ level: process.env.TEST_API_LOG ? 'debug' : 'silent' }),
    metricsRegistry: registry,
    rateLimit: { capacity: 10_000, refillPerSecond: 10_000 },
    ...overrides,
  });

  return {
    app,
    db,
    temporal: temporal.client,
    taskQueue,
    registry,
    async createWorkspace(name = `ws-${randomUUID().slice(0, 8)}`) {
      const res = await request(app)
        .post('/v1/workspaces')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name });
      if (res.status !== 201)
        throw new Error(`workspace not created: ${res.status} ${JSON.stringify(res.body)}`);
      workspaceIds.push(res.body.id);
      return { id: res.body.id, apiKey: res.body.apiKey, apiKeyId: res.body.apiKeyId };
    },
    async close() {
      // Terminate what these tests started, so the dev server does not keep them running.
      if (workspaceIds.length > 0) {
        const runs = await db
          .selectFrom('syncRuns')
          .select(['workflowId'])
          .where('workspaceId', 'in', workspaceIds)
          .execute();
        for (const workflowId of new Set(runs.map((r) => r.workflowId))) {
          await temporal.client.workflow
            .getHandle(workflowId)
            .terminate('api test cleanup')
            .catch(() => {});
        }
      }
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
    put: (path: string, body: unknown) =>
      request(app)
        .put(path)
        .set(auth)
        .send(body as object),
    patch: (path: string, body: unknown) =>
      request(app)
        .patch(path)
        .set(auth)
        .send(body as object),
    delete: (path: string) => request(app).delete(path).set(auth),
  };
}

/** Every error answer is problem+json with title, status and detail. */
export function expectProblem(res: request.Response, status: number): void {
  if (res.status !== status || !String(res.headers['content-type']).startsWith('application/problem+json')) {
    throw new Error(
      `expected ${status} problem+json, got ${res.status} ${res.headers['content-type']}: ${res.text}`,
    );
  }
  const body = JSON.parse(res.text);
  if (typeof body.title !== 'string' || body.status !== status || typeof body.detail !== 'string') {
    throw new Error(`not a problem body: ${res.text}`);
  }
}

/** Inserts a card (and its version row) the way the sync engineer's updateCards writes them. */
export async function insertCard(
  db: Db,
  input: {
    workspaceId: string;
    recipientId: string;
    groupId: string;
    content: Record<string, unknown>;
    version?: number;
  },
): Promise<string> {
  const version = input.version ?? 1;
  const row = await db
    .insertInto('cards')
    .values({
      workspaceId: input.workspaceId,
      recipientId: input.recipientId,
      groupId: input.groupId,
      version,
      content: JSON.stringify(input.content),
      contentHash: `hash-${randomUUID()}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('cardVersions')
    .values({
      cardId: row.id,
      version,
      status: 'active',
      content: JSON.stringify(input.content),
      contentHash: 'h',
      createdAt: new Date('2026-11-27T10:15:00Z'),
    })
    .execute();
  return row.id;
}
