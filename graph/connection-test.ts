import { grantPermissionAdvice, isEntraError } from './errors';
import type { GraphHttp } from './graph-http';
import {
  GROUP_MEMBER_READ_ALL,
  USER_READ_ALL,
  hasPermission,
  missingPermissions,
  rolesOfToken,
} from './permissions';
import type { TokenProvider } from './token-provider';
import type { ConnectionTestResult, EntraConnection } from './types';

/**
 * What `POST /v1/entra-connection/test` reports: a fresh token (so newly granted consent shows),
 * the required permissions its roles claim lacks, and one cheap read. Never throws.
 */
export async function testConnection(
  conn: EntraConnection,
  tokens: TokenProvider,
  http: GraphHttp,
): Promise<ConnectionTestResult> {
  let token: string;
  try {
    token = await tokens.getToken({ forceRefresh: true });
  } catch (err) {
    return failure(err, []);
  }
  const roles = rolesOfToken(token);
  if (roles === null) {
    return {
      ok: false,
      missingPermissions: [],
      detail:
        'Entra ID issued a token whose roles claim cannot be read; the permissions could not be checked.',
    };
  }
  const missing = missingPermissions(roles);
  const readable = hasPermission(roles, USER_READ_ALL)
    ? 'users'
    : hasPermission(roles, GROUP_MEMBER_READ_ALL)
      ? 'groups'
      : null;
  if (readable) {
    try {
      await http.json({
        pathOrUrl: `/${readable}?$select=id&$top=1`,
        describe: {
          what: `list ${readable}`,
          permissions: [readable === 'users' ? USER_READ_ALL : GROUP_MEMBER_READ_ALL],
        },
      });
    } catch (err) {
      return failure(err, missing);
    }
  }
  if (missing.length > 0) {
    return {
      ok: false,
      missingPermissions: missing,
      detail: `Signed in to tenant ${conn.tenantId}, but the app is missing permissions: ${grantPermissionAdvice(missing)}.`,
    };
  }
  return {
    ok: true,
    missingPermissions: [],
    detail: `Signed in to tenant ${conn.tenantId} as app ${conn.clientId} with ${roles.join(', ')}; a test read of ${readable} succeeded.`,
  };
}

function failure(err: unknown, missing: string[]): ConnectionTestResult {
  if (isEntraError(err))
    return { ok: false, missingPermissions: missing, detail: err.message, errorCode: err.code };
  return {
    ok: false,
    missingPermissions: missing,
    detail: `Unexpected error: ${err instanceof Error ? err.message : String(err)}`,
  };
}
