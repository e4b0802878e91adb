import { readInBatches, type BatchPolicy } from './batch-reads';
import type { CallDescription } from './graph-failures';
import type { GraphHttp } from './graph-http';
import { userSelect } from './odata';
import { USER_READ_ALL } from './permissions';
import type { GraphUser } from './types';

export { BATCH_LIMIT, type BatchPolicy } from './batch-reads';

const describe: CallDescription = { what: 'read users by id in a $batch', permissions: [USER_READ_ALL] };

/**
 * Users by id in $batch requests (batch-reads.ts): 20 per batch, up to 16 batches in flight.
 * An inner 404 answer is null (deleted from the directory); inner 429/503/504 are sent again after their
 * Retry-After, at most maxThrottleRetries times; other inner failures are thrown.
 */
export function getUsersByIds(
  http: GraphHttp,
  ids: string[],
  select: string[],
  policy: BatchPolicy,
): Promise<Map<string, GraphUser | null>> {
  const query = `$select=${userSelect(select)}`;
  return readInBatches<GraphUser>(
    http,
    ids,
    {
      url: (id) => `/users/${encodeURIComponent(id)}?${query}`,
      accept: (_id, inner) => inner.body as GraphUser,
      describe,
      noun: 'user reads',
    },
    policy,
  );
}
