import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiContext } from '../context';
import { HttpProblem } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { Problem } from '../schemas/common';

const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
const Readiness = z
  .object({ status: z.literal('ok'), checks: z.object({ database: z.string(), temporal: z.string() }) })
  .meta({ id: 'Readiness' });

const READY_TIMEOUT_MS = 2000;

async function check(what: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      what(),
      new Promise(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
            READY_TIMEOUT_MS,
          )),
      ),
    ]);
    return 'ok';
  } catch (err) {
    return `unreachable: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    clearTimeout(timer);
  }
}

/** Probes and scraping; no key needed (put them behind the network boundary in production). */
export function operationRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'health',
      summary: 'Liveness: the process answers',
      tag: 'operations',
      auth: 'none',
      responses: { 200: { description: 'up', schema: Health } },
      handler: () => reply(200, { status: 'ok' }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'ready',
      summary: 'Readiness: Postgres and Temporal answer',
      tag: 'operations',
      auth: 'none',
      responses: {
        200: { description: 'ready', schema: Readiness },
        503: { description: 'a dependency is down', schema: Problem },
      },
      async handler() {
        const [database, temporal] = await Promise.all([
          check(() => sql`select 1`.execute(ctx.db)),
          check(() => ctx.temporal.workflowService.getSystemInfo({})),
        ]);
        const checks = { database, temporal };
        if (database !== 'ok' || temporal !== 'ok') {
          throw new HttpProblem(503, `not ready: database ${database}; temporal ${temporal}`, { checks });
        }
        return reply(200, { status: 'ok', checks });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      tag: 'operations',
      auth: 'none',
      responses: {
        200: { description: 'Prometheus text format', schema: z.string(), contentType: 'text/plain' },
      },
      async handler({ res }) {
        const text = await ctx.metrics.registry.metrics();
        res.status(200).type(ctx.metrics.registry.contentType).send(text);
        return undefined;
      },
    }),
  ];
}
