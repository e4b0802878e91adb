import type { RunRetryWait } from './limits';
import type { GraphLimits } from '../contracts/graph-limits';

/** A workspace's Entra connection: who we are (app registration) and where Entra and Graph live. */
export interface EntraConnection {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** e.g. 'https://login.microsoftonline.com' or the emulator 'https://127.0.0.1:8443' */
  authorityHost: string;
  /** 'https://graph.microsoft.com' or the emulator 'https://127.0.0.1:8443' */
  graphBaseUrl: string;
}

export interface EntraClientOptions {
  /** background syncs send `x-ms-throttle-priority: low`, so Graph throttles them before interactive traffic */
  background?: boolean;
  /** how often one request is repeated after 429/503/504 before it fails as throttled (default 5) */
  maxThrottleRetries?: number;
  /** a Retry-After above this is not slept through in-process: the call fails as `throttled` with
   * retryAfterMs and the caller (Temporal) schedules the retry (default 60 s) */
  maxRetryWaitMs?: number;
  /** per attempt (default 60 s) */
  requestTimeoutMs?: number;
  /** caps on answer sizes, pages and Retry-After waits (default DEFAULT_GRAPH_LIMITS) */
  limits?: GraphLimits;
  /** metrics hook, called once per HTTP attempt; path is templated (ids replaced by {id}) */
  onRequest?: (info: { path: string; status: number; throttled: boolean }) => void;
  /** the run's Retry-After waits so far and where to report more, so GRAPH_MAX_RETRY_WAIT_SECONDS holds per run */
  runRetryWait?: RunRetryWait;
}

/** A Graph user as returned: the $select'ed properties, sometimes '@odata.type'. */
export interface GraphUser {
  id: string;
  [prop: string]: unknown;
}

export interface Page<T> {
  items: T[];
  /** pass back to continue; null on the last page */
  nextLink: string | null;
}

export interface GraphGroup {
  id: string;
  displayName: string | null;
  description: string | null;
}

export interface ConnectionTestResult {
  ok: boolean;
  /** among User.Read.All and GroupMember.Read.All, those the app's token lacks */
  missingPermissions: string[];
  detail: string;
  /** the EntraError code when the test could not get as far as checking permissions */
  errorCode?: string;
}
