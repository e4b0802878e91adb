/** Request counters of one tenant, as the control API reports them. */
export interface Counters {
  /** requests per path kind, e.g. "token", "members.user", "batch", "user" ($batch inner requests count under their own kind too) */
  requests: Record<string, number>;
  total: number;
  throttled: number;
  unavailable: number;
  /** requests that repeated a throttled request before its Retry-After had elapsed */
  earlyRetries: number;
  /** requests sent with x-ms-throttle-priority: low */
  lowPriority: number;
  /** photo bytes served (/photo/$value, $batch inner answers included, before base64) */
  photoBytes: number;
}

export function emptyCounters(): Counters {
  return {
    requests: {},
    total: 0,
    throttled: 0,
    unavailable: 0,
    earlyRetries: 0,
    lowPriority: 0,
    photoBytes: 0,
  };
}

export function countRequest(counters: Counters, kind: string): void {
  counters.requests[kind] = (counters.requests[kind] ?? 0) + 1;
  counters.total++;
}

/** One line of a tenant's request log, so tests can check what the client actually sent. */
export interface LoggedRequest {
  at: string;
  method: string;
  /** path and query as received, e.g. /v1.0/groups/{id}/members?$top=999 */
  url: string;
  kind: string;
  status: number;
  headers: Record<string, string>;
}

const LOGGED_HEADERS = [
  'consistencylevel',
  'x-ms-throttle-priority',
  'client-request-id',
  'sdkversion',
  'content-type',
];

export function pickLoggedHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of LOGGED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) picked[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return picked;
}
