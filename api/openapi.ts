import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import type { AnyRoute } from './http/route';
import { Problem } from './schemas/common';

const problemResponse = (description: string): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/**
 * The OpenAPI 3.1 description, generated from the same route definitions and zod schemas the
 * app serves, so a route exists in the document exactly when the app answers it.
 */
export function buildOpenApiDocument(routes: AnyRoute[], info: { version: string }) {
  const registry = new OpenAPIRegistry();
  const workspaceKey = registry.registerComponent('securitySchemes', 'workspaceKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A workspace API key (POST /v1/workspaces returns the first one)',
  });
  const adminToken = registry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The operator ADMIN_TOKEN',
  });

  for (const route of routes) {
    const responses: Record<string, ResponseConfig> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const contentType =
        spec.schema === Problem ? 'application/problem+json' : (spec.contentType ?? 'application/json');
      responses[status] = spec.schema
        ? { description: spec.description, content: { [contentType]: { schema: spec.schema } } }
        : { description: spec.description };
    }
    const add = (status: number, description: string) => (responses[status] ??= problemResponse(description));
    if (route.params || route.query || route.body) add(400, 'invalid input; `errors` names each bad field');
    if (route.auth !== 'none') add(401, 'missing, invalid, revoked or expired bearer token');
    if (route.auth === 'workspace') add(403, 'the workspace is disabled by the operator');
    if (route.params) add(404, 'no such object in this workspace');
    if (route.body) {
      add(413, 'body too large');
      add(415, 'body is not JSON');
    }
    if (route.rawBody) {
      add(413, `body larger than ${route.rawBody.limit} bytes`);
      add(415, `body is not one of ${route.rawBody.contentTypes.join(', ')} (by its bytes)`);
    }
    add(429, 'rate limit exceeded (per workspace; per client address without a key); see Retry-After');
    add(500, 'unexpected error');

    const bodySchema = route.body as z.ZodType | undefined;
    registry.registerPath({
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      description: route.description,
      tags: [route.tag],
      security:
        route.auth === 'workspace'
          ? [{ [workspaceKey.name]: [] }]
          : route.auth === 'admin'
            ? [{ [adminToken.name]: [] }]
            : [],
      request: {
        params: route.params as never,
        query: route.query as never,
        body: bodySchema
          ? {
              required: !bodySchema.safeParse(undefined).success,
              content: { 'application/json': { schema: bodySchema } },
            }
          : route.rawBody
            ? {
                required: true,
                content: Object.fromEntries(
                  route.rawBody.contentTypes.map((t) => [
                    t,
                    { schema: { type: 'string' as const, contentMediaType: t } },
                  ]),
                ),
              }
            : undefined,
      },
      responses,
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'entra-card-sync API',
      version: info.version,
      description:
        'Recipients and digital business cards kept in sync with Microsoft Entra ID, on Temporal. Errors are application/problem+json.',
    },
    servers: [{ url: '/' }],
  });
}
