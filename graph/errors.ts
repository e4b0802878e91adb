/**
 * The one error family of the Entra layer. `code` is stable: the workflow layer uses it as the
 * Temporal failure type, so renaming a code is a breaking change.
 */
export const ENTRA_ERROR_CODES = [
  'invalid_credentials',
  'unknown_tenant',
  'missing_permission',
  'group_not_found',
  'user_not_found',
  'throttled',
  'delta_token_expired',
  'skiptoken_expired',
  'graph_unavailable',
  'network',
  'tls_untrusted',
  'bad_request',
  /** the operator's outbound policy refused the host (net/outbound-policy.ts) */
  'outbound_refused',
  /** Graph answered more than a cap allows (graph/limits.ts) */
  'graph_limit_exceeded',
] as const;

export type EntraErrorCode = (typeof ENTRA_ERROR_CODES)[number];

/** Retrying the same call can succeed for these; the others need a person (or a different call). */
const RETRYABLE: ReadonlySet<EntraErrorCode> = new Set([
  'throttled',
  'skiptoken_expired',
  'graph_unavailable',
  'network',
]);

/** Codes a Temporal retry policy should list in nonRetryableErrorTypes. */
export const NON_RETRYABLE_ENTRA_CODES: readonly EntraErrorCode[] = ENTRA_ERROR_CODES.filter(
  (code) => !RETRYABLE.has(code),
);

export interface EntraErrorDetails {
  status?: number;
  /** Graph's or Entra's own error code, e.g. Authorization_RequestDenied, AADSTS7000215 */
  graphCode?: string;
  requestId?: string;
  /** how long Graph asked us to wait (throttled only) */
  retryAfterMs?: number;
  /** the application permissions that were missing (missing_permission only) */
  missingPermissions?: string[];
  cause?: unknown;
}

export class EntraError extends Error {
  readonly code: EntraErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  readonly graphCode?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly missingPermissions?: string[];

  constructor(code: EntraErrorCode, message: string, details: EntraErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EntraError';
    this.code = code;
    this.retryable = RETRYABLE.has(code);
    this.status = details.status;
    this.graphCode = details.graphCode;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.missingPermissions = details.missingPermissions;
  }
}

export function isEntraError(err: unknown): err is EntraError {
  return err instanceof EntraError;
}

/** EntraErrors say so themselves; anything else (a bug, an unexpected library error) is retried by Temporal. */
export function isRetryable(err: unknown): boolean {
  return err instanceof EntraError ? err.retryable : true;
}

/** The fix for a missing application permission, in the words an admin needs. */
export function grantPermissionAdvice(permissions: string[]): string {
  const noun = permissions.length > 1 ? 'permissions' : 'permission';
  const list =
    permissions.length > 1
      ? `${permissions.slice(0, -1).join(', ')} and ${permissions.at(-1)}`
      : permissions[0];
  return (
    `grant the application ${noun} ${list} and admin consent ` +
    '(Entra ID → App registrations → the app → API permissions → Microsoft Graph → Application permissions, then "Grant admin consent")'
  );
}
