import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiContext } from '../context';
import { bearerToken, secretsEqual } from '../http/api-keys';
import { HttpProblem } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { Problem } from '../schemas/common';

const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
const DependencyState = z.enum(['ok', 'timeout', 'unreachable']);
const Readiness = z
  .object({
    status: z.literal('ok'),
    checks: z.object({ database: DependencyState, temporal: DependencyState }),
  })
  .meta({ id: 'Readiness' });

const READY_TIMEOUT_MS = 2000;

/**
 * 'ok', 'timeout' or 'unreachable': which dependency is down, never its error text (which can
 * carry host names, user names or SQL to an unauthenticated caller); the error goes to the log.
 */
async function check(
  name: string,
  what: () => Promise<unknown>,
  logger: ApiContext['logger'],
): Promise<'ok' | 'timeout' | 'unreachable'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = Symbol('timeout');
  try {
    const outcome = await Promise.race([
      what(),
      new Promise((resolve) => (timer = setTimeout(() => resolve(timedOut), READY_TIMEOUT_MS))),
    ]);
    if (outcome !== timedOut) return 'ok';
    logger.warn({ dependency: name }, `readiness: ${name} did not answer in time`);
    return 'timeout';
  } catch (err) {
    logger.warn({ err, dependency: name }, `readiness: ${name} is unreachable`);
    return 'unreachable';
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
          check('database', () => sql`select 1`.execute(ctx.db), ctx.logger),
          check('temporal', () => ctx.temporal.workflowService.getSystemInfo({}), ctx.logger),
        ]);
        const checks = { database, temporal };
        const down = Object.entries(checks).filter(([, state]) => state !== 'ok');
        if (down.length > 0) {
          const which = down.map(
            ([name, state]) => `${name} ${state === 'timeout' ? 'did not answer in time' : 'is unreachable'}`,
          );
          throw new HttpProblem(503, `not ready: ${which.join('; ')}`, { checks });
        }
        return reply(200, { status: 'ok', checks });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description: 'When the operator sets METRICS_TOKEN, send it as Authorization: Bearer <METRICS_TOKEN>.',
      tag: 'operations',
      auth: 'none',
      responses: {
        200: { description: 'Prometheus text format', schema: z.string(), contentType: 'text/plain' },
        401: { description: 'METRICS_TOKEN is set and was not sent', schema: Problem },
      },
      async handler({ req, res }) {
        if (ctx.config.metricsToken) {
          const token = bearerToken(req.headers.authorization);
          if (!token || !secretsEqual(token, ctx.config.metricsToken))
            throw new HttpProblem(
              401,
              'this route takes the metrics token: send Authorization: Bearer <METRICS_TOKEN>',
              {},
              {
                'WWW-Authenticate': 'Bearer',
              },
            );
        }
        const text = await ctx.metrics.registry.metrics();
        res.status(200).type(ctx.metrics.registry.contentType).send(text);
        return undefined;
      },
    }),
  ];
}
