import { validate, compileErrors } from '@readme/openapi-parser';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiTest, type ApiTestContext } from './support';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
};

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean>; stack: { name: string }[] };
}

/** The method and path of every route Express will dispatch to (the 405 catch-alls excluded). */
function expressRoutes(app: ApiTestContext['app']): Set<string> {
  const out = new Set<string>();
  const stack = (app as unknown as { router: { stack: RouteLayer[] } }).router.stack;
  for (const layer of stack) {
    if (!layer.route || layer.route.stack.some((l) => l.name === 'methodNotAllowed')) continue;
    for (const method of Object.keys(layer.route.methods))
      out.add(`${method.toUpperCase()} ${layer.route.path}`);
  }
  return out;
}

describe('openapi.json', () => {
  let t: ApiTestContext;
  let doc: Doc;
  beforeAll(async () => {
    t = await startApiTest();
    const res = await request(t.app).get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(async () => t?.close());

  it('when the document is validated by @readme/openapi-parser, then it is a valid OpenAPI 3.1 description', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('when its paths are compared with the routes Express serves, then they are the same set both ways', () => {
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops))
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    const served = expressRoutes(t.app);
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
    expect(served.size).toBeGreaterThanOrEqual(30);
  });

  it('when every documented operation is called, then the app answers it (never 404 or 405)', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const res = await request(t.app)[method as 'get'](path.replace(/\{\w+\}/g, randomUUID()));
        // A public card route answers 404 itself for a slug no card has; the router's 404 says "no route".
        if (path.startsWith('/c/') && res.status === 404) expect(res.text).not.toContain('no route');
        else
          expect([404, 405], `${method.toUpperCase()} ${path} answered ${res.status}`).not.toContain(
            res.status,
          );
        // Without a key, protected routes answer 401; open ones answer.
        if ((ops[method]!.security ?? []).length > 0) expect(res.status).toBe(401);
      }
    }
  });

  it('when a route takes a workspace key, then the document says so and lists its problem responses', () => {
    const op = doc.paths['/v1/groups/{id}']!.patch as unknown as {
      security: unknown[];
      responses: Record<string, unknown>;
    };
    expect(op.security).toEqual([{ workspaceKey: [] }]);
    expect(Object.keys(op.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '413', '429', '500']),
    );
  });
});
