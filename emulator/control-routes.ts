import type { IncomingMessage, ServerResponse } from 'node:http';
import { TENANT_ROUTES } from './control-tenant-routes';
import { createDemoTenant } from './demo-tenant';
import { readJson, send } from './http-io';
import { ControlError } from './tenant-mutations';
import type { TenantRegistry } from './tenant-registry';

export type { UserSummary } from './control-summaries';

/**
 * The HTTP control API under /_emulator/ (tests and the benchmark run in other processes than the
 * emulator). Local-only and unauthenticated by design: it is a test fixture.
 */
export async function serveControl(
  req: IncomingMessage,
  res: ServerResponse,
  registry: TenantRegistry,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://emulator');
  const path = url.pathname.replace(/^\/_emulator/, '');
  const method = req.method ?? 'GET';
  try {
    const body = ((await readJson(req)) ?? {}) as Record<string, unknown>;
    if (path === '/health') return send(res, 200, {}, { ok: true, tenants: registry.ids().length });
    if (path === '/tenants' && method === 'POST') return send(res, 201, {}, registry.create(body));
    if (path === '/tenants/demo' && method === 'POST') return send(res, 200, {}, createDemoTenant(registry));
    const match = /^\/tenants\/([^/]+)(\/.*)?$/.exec(path);
    if (match) {
      const tenantId = decodeURIComponent(match[1]);
      const rest = match[2] ?? '';
      if (rest === '' && method === 'GET') return send(res, 200, {}, registry.info(tenantId));
      if (rest === '' && method === 'DELETE')
        return send(res, registry.delete(tenantId) ? 204 : 404, {}, undefined);
      const tenant = registry.require(tenantId);
      for (const [routeMethod, pattern, handle] of TENANT_ROUTES) {
        const params = routeMethod === method ? pattern.exec(rest) : null;
        if (!params) continue;
        const result = handle({
          tenant,
          params: params.slice(1).map(decodeURIComponent),
          body,
          query: url.searchParams,
        });
        return send(res, result === undefined ? 204 : 200, {}, result);
      }
    }
    send(res, 404, {}, { error: `no control route ${method} ${url.pathname}` });
  } catch (err) {
    if (err instanceof ControlError) return send(res, err.status, {}, { error: err.message });
    if (err instanceof SyntaxError) return send(res, 400, {}, { error: `invalid JSON: ${err.message}` });
    send(res, 500, {}, { error: err instanceof Error ? err.message : String(err) });
  }
}
