import type { SecretKeys } from '../config/secret-box';
import type { Db } from '../db/database';
import { loadEntraConnection } from '../engine/load-entra-connection';
import { HttpProblem } from './http/problem';

/** The part of graph/entra-client's EntraClient the API uses (the real client satisfies it). */
export interface ApiEntraClient {
  searchUsers(q: {
    search?: string;
    top?: number;
    nextLink?: string | null;
  }): Promise<{ items: GraphObject[]; nextLink: string | null }>;
  searchGroups(q: {
    search?: string;
    top?: number;
    nextLink?: string | null;
  }): Promise<{ items: GraphObject[]; nextLink: string | null }>;
  testConnection(): Promise<{
    ok: boolean;
    missingPermissions: string[];
    detail: string;
    errorCode?: string;
  }>;
  getGroup(id: string): Promise<GraphObject>;
}

/** A Graph object as the client returns it; the API reads other properties by name. */
export type GraphObject = { id: string };

/** A property of a Graph object, or undefined. */
export const prop = (obj: GraphObject, name: string): unknown =>
  (obj as unknown as Record<string, unknown>)[name];

export interface ApiEntraConnection {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  graphBaseUrl: string;
}

/** Builds a client per request from the workspace's stored connection; injected so tests pick the target. */
export type EntraClientFactory = (
  conn: ApiEntraConnection,
  opts?: { onRequest?: (info: { path: string; status: number; throttled: boolean }) => void },
) => ApiEntraClient;

/** The workspace's connection, or a 409 that says how to set one up. */
export async function requireConnection(
  db: Db,
  workspaceId: string,
  key: SecretKeys,
): Promise<ApiEntraConnection> {
  let conn: ApiEntraConnection | null;
  try {
    conn = await loadEntraConnection(db, workspaceId, key);
  } catch (err) {
    // decryptSecret failed: ENCRYPTION_KEY changed since the secret was saved.
    throw new HttpProblem(
      409,
      `${(err as Error).message}; save the connection again with PUT /v1/entra-connection`,
      {
        code: 'connection_unreadable',
      },
    );
  }
  if (!conn) {
    throw new HttpProblem(
      409,
      'this workspace has no Entra connection yet: set one with PUT /v1/entra-connection',
      { code: 'no_connection' },
    );
  }
  return conn;
}

interface EntraErrorLike {
  name: string;
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

// By shape, not instanceof: the API must recognise the Graph layer's errors however it was loaded.
function isEntraError(err: unknown): err is EntraErrorLike {
  return (
    err instanceof Error &&
    err.name === 'EntraError' &&
    typeof (err as Partial<EntraErrorLike>).code === 'string'
  );
}

/**
 * Graph failures (graph/errors.ts codes) as problems a caller can act on: 422 for what the
 * workspace's connection or app registration must fix, 404 for an Entra object that does not
 * exist, 400 for a query Graph refused, 503 when throttled, 502 when Graph or the network failed.
 */
export function entraProblem(err: unknown): HttpProblem | null {
  if (!isEntraError(err)) return null;
  const extra = { code: err.code };
  switch (err.code) {
    case 'invalid_credentials':
    case 'unknown_tenant':
    case 'missing_permission':
      return new HttpProblem(
        422,
        `${err.message}; fix the connection with PUT /v1/entra-connection or in Entra ID`,
        extra,
      );
    case 'group_not_found':
    case 'user_not_found':
      return new HttpProblem(404, err.message, extra);
    case 'outbound_refused':
      return new HttpProblem(422, `${err.message}; fix the connection with PUT /v1/entra-connection`, extra);
    case 'graph_limit_exceeded':
      return new HttpProblem(502, err.message, extra);
    case 'bad_request':
      return new HttpProblem(400, `Microsoft Graph refused the query: ${err.message}`, extra);
    case 'skiptoken_expired':
    case 'delta_token_expired':
      return new HttpProblem(400, 'the page cursor has expired in Graph; start again without it', {
        ...extra,
        errors: [{ path: 'query.cursor', message: 'expired' }],
      });
    case 'throttled': {
      const seconds = Math.max(1, Math.ceil((err.retryAfterMs ?? 30_000) / 1000));
      return new HttpProblem(
        503,
        `Microsoft Graph is throttling this tenant; try again in ${seconds} s`,
        extra,
        { 'Retry-After': String(seconds) },
      );
    }
    case 'tls_untrusted':
      return new HttpProblem(
        502,
        `${err.message}; the operator must trust the Graph host's certificate (NODE_EXTRA_CA_CERTS)`,
        extra,
      );
    default:
      return new HttpProblem(
        502,
        `Microsoft Graph could not be reached or failed (${err.message}); try again shortly`,
        extra,
      );
  }
}

/** Runs a Graph call and turns its EntraError into a problem. */
export async function callEntra<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw entraProblem(err) ?? err;
  }
}
