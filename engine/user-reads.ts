import type { EntraClient } from '../graph/entra-client';
import { EntraError } from '../graph/errors';
import type { GraphUser } from '../graph/types';

/** One user by object id; null when the directory no longer has them. */
export async function readUserOrNull(
  client: EntraClient,
  entraUserId: string,
  select: string[],
): Promise<GraphUser | null> {
  try {
    return await client.getUser(entraUserId, select);
  } catch (err) {
    if (err instanceof EntraError && err.code === 'user_not_found') return null;
    throw err;
  }
}

/** Users by object id ($batch), split into those found and the ids the directory does not have. */
export async function readUsersByIds(
  client: EntraClient,
  ids: string[],
  select: string[],
): Promise<{ users: GraphUser[]; missing: string[] }> {
  const found = await client.getUsersByIds(ids, select);
  const users: GraphUser[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const user = found.get(id);
    if (user) users.push(user);
    else missing.push(id);
  }
  return { users, missing };
}
