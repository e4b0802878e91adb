import type { RunActor } from '../../contracts/sync-runs';

/** The caller of a workspace route as a run's `startedBy` / `approvedBy` / `canceledBy` (auth.ts: `admin` is the operator token). */
export function runActorOf(apiKeyId: string): RunActor {
  return apiKeyId === 'admin' ? { type: 'admin', id: 'admin' } : { type: 'apiKey', id: apiKeyId };
}
