import express, { type Express, type Request, type Response } from 'express';
import { Registry } from 'prom-client';
import type { AppDeps, ApiContext } from './context';
import { createAuthenticator } from './http/auth';
import { problemHandler, sendProblem } from './http/errors';
import { HttpProblem } from './http/problem';
import { DEFAULT_RATE_LIMIT } from './http/rate-limit';
import { createRequestLimits } from './http/request-limits';
import { requestContext } from './http/request-context';
import { defineRoute, expressPath, reply, type AnyRoute } from './http/route';
import { parsePart } from './http/validate';
import { refuseDeepJson } from './http/json-depth';
import { consoleRoutes } from './console/console-routes';
import { createApiMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { cardTemplateRoutes } from './routes/card-template';
import { cardRoutes } from './routes/cards';
import { directoryRoutes } from './routes/directory';
import { entraConnectionRoutes } from './routes/entra-connection';
import { eventRoutes } from './routes/events';
import { fieldSettingRoutes } from './routes/field-settings';
import { groupRoutes } from './routes/groups';
import { groupPreviewRoutes } from './routes/group-preview';
import { operationRoutes } from './routes/operations';
import { recipientLifecycleRoutes } from './routes/recipient-lifecycle';
import { recipientPhotoRoutes } from './routes/recipient-photo';
import { publicCardRoutes } from './routes/public-cards';
import { recipientRoutes } from './routes/recipients';
import { syncRunRoutes } from './routes/sync-runs';
import { scheduleRoutes } from './routes/schedules';
import { syncAllRoutes } from './routes/sync-all';
import { workspaceRoutes } from './routes/workspaces';
import { adminApiKeyRoutes } from './routes/admin-api-keys';
import { apiKeyRoutes } from './routes/api-keys';
import { workspaceSettingRoutes } from './routes/workspace-settings';
import { webhookEndpointRoutes } from './routes/webhook-endpoints';

export type { AppDeps } from './context';

/** A route module: a function from the app's context to its route definitions. */
export type RouteModule = (ctx: ApiContext) => AnyRoute[];

/** Every resource the API serves. To add one, append its module here; nothing else changes. */
export const ROUTE_MODULES: RouteModule[] = [
  workspaceRoutes,
  apiKeyRoutes,
  adminApiKeyRoutes,
  workspaceSettingRoutes,
  entraConnectionRoutes,
  fieldSettingRoutes,
  directoryRoutes,
  groupRoutes,
  groupPreviewRoutes,
  recipientRoutes,
  recipientLifecycleRoutes,
  recipientPhotoRoutes,
  syncRunRoutes,
  cardRoutes,
  cardTemplateRoutes,
  eventRoutes,
  webhookEndpointRoutes,
  publicCardRoutes,
  operationRoutes,
  scheduleRoutes,
  syncAllRoutes,
];

const API_VERSION = '0.1.0';

/**
 * Static segments sort before parameters at the same depth, so `/v1/recipients/import` is
 * matched before `/v1/recipients/{id}` and its own 405 answers other methods on it.
 */
function bySpecificity(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]!.startsWith('{');
    const pb = sb[i]!.startsWith('{');
    if (pa !== pb) return pa ? 1 : -1;
    if (sa[i] !== sb[i]) return sa[i]!.localeCompare(sb[i]!);
  }
  return sa.length - sb.length;
}

/** Builds the Express app without listening: the entry point listens, tests hand it to supertest. */
export function createApp(deps: AppDeps, modules: RouteModule[] = ROUTE_MODULES): Express {
  const metrics = createApiMetrics(deps.metricsRegistry ?? new Registry(), deps.db);
  const ctx: ApiContext = { ...deps, metrics };
  const authenticate = createAuthenticator(deps.db, deps.config.adminToken);
  const limits = createRequestLimits(deps.rateLimit ?? DEFAULT_RATE_LIMIT);

  const routes = modules.flatMap((m) => m(ctx));
  let document: unknown;
  routes.push(
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This OpenAPI 3.1 description',
      tag: 'operations',
      auth: 'none',
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
      handler: () => reply(200, (document ??= buildOpenApiDocument(routes, { version: API_VERSION }))),
    }),
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.set('etag', false);
  app.use(requestContext(deps.logger, metrics));
  app.use(
    express.json({
      limit: deps.bodyLimit ?? '1mb',
      type: ['application/json', 'application/*+json'],
      verify: refuseDeepJson,
    }),
  );

  /** Refused and keyless requests count per client address; accepted ones per workspace. */
  async function authenticateWithinLimits(req: Request, auth: AnyRoute['auth']) {
    if (auth === 'none') {
      limits.chargeAddress(req);
      return null;
    }
    limits.checkAddress(req);
    let principal;
    try {
      principal = await authenticate(req, auth);
    } catch (err) {
      limits.chargeFailure(req);
      throw err;
    }
    if (principal) limits.chargePrincipal(principal);
    return principal;
  }

  const byPath = new Map<string, AnyRoute[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);

  for (const path of [...byPath.keys()].sort(bySpecificity)) {
    const pathRoutes = byPath.get(path)!;
    for (const route of pathRoutes) {
      // The app parses JSON only; a route that takes bytes gets its own parser (any type, so the
      // handler can answer 415 for the wrong one; over the limit is a 413).
      const parsers = route.rawBody ? [express.raw({ type: () => true, limit: route.rawBody.limit })] : [];
      app[route.method](expressPath(path), ...parsers, async (req: Request, res: Response) => {
        const principal = await authenticateWithinLimits(req, route.auth);
        if (principal) res.locals.workspaceId = principal.workspaceId || undefined;
        const params = parsePart('params', route.params, req);
        const query = parsePart('query', route.query, req);
        const body = parsePart('body', route.body, req);
        const result = await route.handler({
          params,
          query,
          body,
          workspaceId: principal?.workspaceId ?? '',
          apiKeyId: principal?.apiKeyId ?? '',
          req,
          res,
        });
        if (!result) return;
        res.status(result.status).set(result.headers ?? {});
        if (result.body === undefined) res.end();
        else res.json(result.body);
      });
    }
    // Express answers HEAD with the GET route; every other method on a known path is a 405.
    const allowed = [
      ...new Set(
        pathRoutes.flatMap((r) => (r.method === 'get' ? ['GET', 'HEAD'] : [r.method.toUpperCase()])),
      ),
    ].join(', ');
    app.all(expressPath(path), function methodNotAllowed(req, res) {
      if (req.method === 'OPTIONS') {
        res.status(204).set('Allow', allowed).end();
        return;
      }
      sendProblem(
        res,
        new HttpProblem(
          405,
          `${req.method} is not allowed on ${path}; allowed: ${allowed}`,
          {},
          { Allow: allowed },
        ),
      );
    });
  }

  if (deps.consoleDir) app.use(consoleRoutes(deps.consoleDir, (req) => limits.chargeAddress(req)));

  app.use((req) => {
    limits.chargeAddress(req);
    throw new HttpProblem(404, `no route ${req.method} ${req.path}; see GET /openapi.json`);
  });
  app.use(problemHandler(deps.logger));
  return app;
}
