import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/database';
import { findApiKeyForAuth } from '../../db/repositories/api-keys';
import { bearerToken, hashApiKey, secretsEqual } from './api-keys';
import { HttpProblem } from './problem';
import type { RouteAuth } from './route';

export interface Principal {
  /** Empty for the admin. */
  workspaceId: string;
  /** `admin` for the operator token; else the API key's id. */
  apiKeyId: string;
}

const unauthorized = (detail: string) => new HttpProblem(401, detail, {}, { 'WWW-Authenticate': 'Bearer' });

/**
 * Checks the bearer token a route asks for. Throws 401 problems that say which token is expected
 * or why a key no longer works (unknown, revoked, expired), and 403 for a disabled workspace.
 */
export function createAuthenticator(db: Db, adminToken: string) {
  return async function authenticate(req: Request, auth: RouteAuth): Promise<Principal | null> {
    if (auth === 'none') return null;
    const token = bearerToken(req.headers.authorization);
    if (auth === 'admin') {
      if (!token)
        throw unauthorized('this route takes the operator token: send Authorization: Bearer <ADMIN_TOKEN>');
      if (!secretsEqual(token, adminToken)) throw unauthorized('the admin token is not valid');
      return { workspaceId: '', apiKeyId: 'admin' };
    }
    if (!token) throw unauthorized('send a workspace API key as Authorization: Bearer <key>');
    const hash = hashApiKey(token);
    const key = await findApiKeyForAuth(db, hash);
    // The lookup is by hash; the comparison after it stays constant-time all the same.
    if (!key || !timingSafeEqual(Buffer.from(key.keyHash), Buffer.from(hash))) {
      throw unauthorized('the API key is not valid');
    }
    if (key.revokedAt) throw unauthorized('the API key has been revoked; use another key of the workspace');
    if (key.expired) {
      throw unauthorized(
        `the API key expired at ${key.expiresAt!.toISOString()}; create a new one with another key (POST /v1/api-keys) or ask the operator`,
      );
    }
    if (key.workspaceDisabledAt) {
      throw new HttpProblem(
        403,
        `workspace ${key.workspaceId} is disabled by the operator; its keys work again once the operator enables it`,
      );
    }
    return { workspaceId: key.workspaceId, apiKeyId: key.id };
  };
}
