import { log } from '@temporalio/activity';
import { addRetryWaitMs, readRetryWaitMs } from '../db/repositories/sync-run-progress';
import type { RunRetryWait } from '../graph/limits';
import type { EntraClient } from '../graph/entra-client';
import { loadEntraConnection } from './load-entra-connection';
import type { ActivityDeps } from './deps';
import { notRetryable } from './errors';

/**
 * The workspace's Graph client for background syncs; fails the run when no connection is set. With
 * the run's id, the client's Retry-After budget starts from what the run already waited and each
 * wait is added to the run, so GRAPH_MAX_RETRY_WAIT_SECONDS holds across attempts and activities.
 */
export async function openEntraClient(
  deps: ActivityDeps,
  workspaceId: string,
  syncRunId?: string,
): Promise<EntraClient> {
  let conn: Awaited<ReturnType<typeof loadEntraConnection>>;
  try {
    conn = await loadEntraConnection(deps.db, workspaceId, deps.encryptionKey);
  } catch (err) {
    // The only throw after the read is decryption: a different ENCRYPTION_KEY, which no retry fixes.
    if (err instanceof Error && err.message.includes('decrypted'))
      throw notRetryable('no_connection', `${err.message}; save the connection again`);
    throw err;
  }
  if (!conn) {
    throw notRetryable(
      'no_connection',
      'this workspace has no Entra ID connection: save one with PUT /v1/entra-connection, then sync again',
    );
  }
  return deps.entraClientFor(conn, {
    background: true,
    onRequest: deps.metrics ? (info) => deps.metrics!.graphRequest(info) : undefined,
    runRetryWait: syncRunId ? await runRetryWait(deps, syncRunId) : undefined,
  });
}

async function runRetryWait(deps: ActivityDeps, syncRunId: string): Promise<RunRetryWait> {
  return {
    spentMs: await readRetryWaitMs(deps.db, syncRunId),
    // Recorded while the client sleeps; a lost write only lets a later attempt wait a little longer.
    onSpend: (ms) =>
      void addRetryWaitMs(deps.db, syncRunId, ms).catch((err: unknown) =>
        log.warn('could not record a Retry-After wait on the run', { syncRunId, error: String(err) }),
      ),
  };
}

/** Opens the workspace's Graph client on first use only (a chunk may need no Graph request at all). */
export function lazyEntraClient(
  deps: ActivityDeps,
  workspaceId: string,
  syncRunId?: string,
): () => Promise<EntraClient> {
  let client: Promise<EntraClient> | null = null;
  return () => (client ??= openEntraClient(deps, workspaceId, syncRunId));
}
