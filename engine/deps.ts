import type { SecretKeys } from '../config/secret-box';
import type { Db } from '../db/database';
import type { EntraClient, EntraClientOptions, EntraConnection } from '../graph/entra-client';
import type { GraphLimits } from '../contracts/graph-limits';

/** Hooks the worker's Prometheus registry listens on; tests may leave them out. */
export interface ActivityMetrics {
  graphRequest(info: { path: string; status: number; throttled: boolean }): void;
  activityRetry(activity: string): void;
}

/** Everything activities touch, built at the worker's entry point (or by a test). */
export interface ActivityDeps {
  db: Db;
  /** Decrypts stored Entra secrets (the key ring, or one key). */
  encryptionKey: SecretKeys;
  /** Builds a Graph client for a workspace connection (the real one in tests too, on the emulator). */
  entraClientFor: (conn: EntraConnection, opts?: EntraClientOptions) => EntraClient;
  metrics?: ActivityMetrics;
  /** Caps on Graph answers; the listing reads maxPages (default DEFAULT_GRAPH_LIMITS). */
  graphLimits?: GraphLimits;
  /** A group sync reads every member at least this often, delta links or not (default a week). */
  fullSyncIntervalMs?: number;
  /**
   * Drops an ended run's working rows (staged members, card queue). Default: at once, before
   * finishSyncRun returns; the worker drops them in the background (worker/run-work-sweeper.ts).
   */
  dropRunWork?: (syncRunId: string) => void | Promise<void>;
}
