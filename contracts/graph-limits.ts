/**
 * Caps on what an untrusted or broken Graph can make the worker hold or wait for. Each one, when
 * passed, fails the call with `graph_limit_exceeded` (not retried) and a message naming its
 * setting, so the run ends `failed` saying which cap it hit.
 */
export interface GraphLimits {
  /** one JSON answer (a page, a $batch, an object) — GRAPH_MAX_PAGE_BYTES */
  maxPageBytes: number;
  /** one profile photo — GRAPH_MAX_PHOTO_BYTES */
  maxPhotoBytes: number;
  /** one sign-in answer: instance discovery, the OpenID document, a token — GRAPH_MAX_DISCOVERY_BYTES */
  maxDiscoveryBytes: number;
  /** pages of one listing (members, a delta round) — GRAPH_MAX_PAGES */
  maxPages: number;
  /** Retry-After waits summed over one client's calls (one activity attempt) — GRAPH_MAX_RETRY_WAIT_SECONDS */
  maxTotalRetryWaitMs: number;
}

export const DEFAULT_GRAPH_LIMITS: GraphLimits = {
  maxPageBytes: 32 * 1024 * 1024,
  maxPhotoBytes: 4 * 1024 * 1024,
  maxDiscoveryBytes: 1024 * 1024,
  maxPages: 2000,
  maxTotalRetryWaitMs: 10 * 60 * 1000,
};

/** The environment variable that sets each cap, as messages name it. */
export const GRAPH_LIMIT_SETTINGS: Record<keyof GraphLimits, string> = {
  maxPageBytes: 'GRAPH_MAX_PAGE_BYTES',
  maxPhotoBytes: 'GRAPH_MAX_PHOTO_BYTES',
  maxDiscoveryBytes: 'GRAPH_MAX_DISCOVERY_BYTES',
  maxPages: 'GRAPH_MAX_PAGES',
  maxTotalRetryWaitMs: 'GRAPH_MAX_RETRY_WAIT_SECONDS',
};
