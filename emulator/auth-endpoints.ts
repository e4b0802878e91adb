import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessTokens } from './access-tokens';
import { TOKEN_LIFETIME_SECONDS } from './access-tokens';
import { countRequest } from './counters';
import { readBody, send } from './http-io';
import type { TenantRegistry } from './tenant-registry';

/** Graph's resource ids: the public URL and the well-known app id. The emulator's own origin is a third. */
const GRAPH_AUDIENCES = new Set(['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000']);

/** Entra's token-endpoint error shape: error, AADSTS-prefixed error_description, error_codes, ids. */
function aadError(
  res: ServerResponse,
  status: number,
  error: string,
  code: number,
  description: string,
): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  send(
    res,
    status,
    { 'Content-Type': 'application/json; charset=utf-8' },
    {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  );
}

const tenantNotFound = (tenantId: string) =>
  `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`;

/** GET /{tenant}/v2.0/.well-known/openid-configuration: what MSAL discovers the token endpoint from. */
export function serveOpenIdConfiguration(
  res: ServerResponse,
  registry: TenantRegistry,
  baseUrl: string,
  tenantId: string,
) {
  const tenant = registry.get(tenantId);
  if (!tenant) return aadError(res, 400, 'invalid_tenant', 90002, tenantNotFound(tenantId));
  countRequest(tenant.counters, 'openid-configuration');
  const root = `${baseUrl}/${tenantId}`;
  send(
    res,
    200,
    {},
    {
      token_endpoint: `${root}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${root}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${root}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${root}/oauth2/v2.0/logout`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      msgraph_host: 'graph.microsoft.com',
    },
  );
}

function audienceOf(scope: string): string | null {
  const resource = scope.split(' ').find((s) => s.endsWith('/.default'));
  if (!resource) return null;
  return resource.slice(0, -'/.default'.length).replace(/\/$/, '');
}

/** POST /{tenant}/oauth2/v2.0/token, client-credentials grant only. */
export async function serveToken(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { registry: TenantRegistry; tokens: AccessTokens },
  tenantId: string,
): Promise<void> {
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  const tenant = deps.registry.get(tenantId);
  if (!tenant) return aadError(res, 400, 'invalid_request', 90002, tenantNotFound(tenantId));
  countRequest(tenant.counters, 'token');
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  const [basicId, basicSecret] = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':') : [];
  const clientId = form.get('client_id') ?? (basicId ? decodeURIComponent(basicId) : null);
  const secret = form.get('client_secret') ?? (basicSecret ? decodeURIComponent(basicSecret) : null);
  if (form.get('grant_type') !== 'client_credentials') {
    return aadError(
      res,
      400,
      'unsupported_grant_type',
      70003,
      'The app requested an unsupported grant type; the emulator supports client_credentials only.',
    );
  }
  const app = clientId ? tenant.apps.get(clientId) : undefined;
  if (!app) {
    return aadError(res, 400, 'unauthorized_client', 700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`); // prettier-ignore
  }
  if (!secret) {
    return aadError(
      res,
      401,
      'invalid_client',
      7000216,
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    );
  }
  if (secret !== app.clientSecret) {
    return aadError(res, 401, 'invalid_client', 7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`); // prettier-ignore
  }
  const scope = form.get('scope') ?? '';
  const audience = audienceOf(scope);
  if (!audience) {
    return aadError(res, 400, 'invalid_scope', 1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`); // prettier-ignore
  }
  if (!GRAPH_AUDIENCES.has(audience) && !isOwnOrigin(audience, req)) {
    return aadError(
      res,
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${audience} was not found in the tenant named ${tenantId}.`,
    );
  }
  const accessToken = deps.tokens.issue({ tenantId, clientId: app.clientId, audience, roles: app.roles });
  send(
    res,
    200,
    { 'Cache-Control': 'no-store, no-cache' },
    {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: accessToken,
    },
  );
}

/** The emulator accepts tokens for itself as Graph, addressed as 127.0.0.1 or localhost on its port. */
export function isOwnOrigin(audience: string, req: IncomingMessage): boolean {
  try {
    const url = new URL(audience);
    const port = req.socket.localPort;
    return (
      url.protocol === 'https:' &&
      ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) &&
      Number(url.port) === port
    );
  } catch {
    return false;
  }
}

export function isGraphAudience(audience: string, req: IncomingMessage): boolean {
  return GRAPH_AUDIENCES.has(audience.replace(/\/$/, '')) || isOwnOrigin(audience, req);
}
