import { createApiKeyWithinLimit, revokeApiKey, type ApiKeyRow } from '../db/repositories/api-keys';
import type { Db } from '../db/database';
import { generateApiKey, MAX_ACTIVE_API_KEYS } from './http/api-keys';
import { HttpProblem, notFound } from './http/problem';
import { iso } from './schemas/common';
import type { ApiKey, ApiKeyCreated } from './schemas/workspaces';

export const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  revokedAt: iso(row.revokedAt),
  expiresAt: iso(row.expiresAt),
});

/** Mints a key for the workspace unless it already has the most active keys it may have (409). */
export async function issueApiKey(
  db: Db,
  workspaceId: string,
  expiresAt: string | undefined,
  revokePath: string,
): Promise<ApiKeyCreated> {
  const key = generateApiKey();
  const result = await createApiKeyWithinLimit(db, {
    workspaceId,
    keyHash: key.hash,
    prefix: key.prefix,
    expiresAt: expiresAt ? new Date(expiresAt) : null,
    maxActive: MAX_ACTIVE_API_KEYS,
  });
  if (result.outcome === 'no_workspace') throw notFound('workspace', workspaceId);
  if (result.outcome === 'limit') {
    throw new HttpProblem(
      409,
      `this workspace already has ${result.active} active API keys, the most it may have (${MAX_ACTIVE_API_KEYS}): revoke one with ${revokePath} first`,
      { code: 'api_key_limit' },
    );
  }
  return { ...toApiKey(result.row), apiKey: key.key };
}

/**
 * Revokes a key. The workspace's own routes keep its last active key (409); the admin may revoke
 * any, since a leaked last key must be stoppable (the admin can mint the workspace a new one).
 */
export async function revokeKey(
  db: Db,
  input: { workspaceId: string; keyId: string; keepOneUsable: boolean },
): Promise<void> {
  const outcome = await revokeApiKey(db, {
    workspaceId: input.workspaceId,
    id: input.keyId,
    keepOneUsable: input.keepOneUsable,
  });
  if (outcome === 'not_found') throw notFound('active API key', input.keyId);
  if (outcome === 'last_key') {
    throw new HttpProblem(
      409,
      "this is the workspace's last active key: create another with POST /v1/api-keys first",
      { code: 'last_api_key' },
    );
  }
}
