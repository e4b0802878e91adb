import { EntraError, grantPermissionAdvice, type EntraError as EntraErrorType } from './errors';
import { parseRetryAfter } from './retry-delay';

/** What a Graph call was for, so a failure can say what went wrong and what to do. */
export interface CallDescription {
  /** e.g. "read the members of group 1234" */
  what: string;
  /** the application permissions this call needs */
  permissions: string[];
  /** the error for a 404 (e.g. group_not_found); default: bad_request */
  notFound?: () => EntraErrorType;
}

interface ODataErrorBody {
  error?: { code?: string; message?: string; innerError?: { 'request-id'?: string } };
}

const DELTA_GONE_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

/** Classifies a non-2xx Graph answer once, into the typed error the rest of the system acts on. */
export function classifyGraphFailure(
  status: number,
  body: unknown,
  headers: Headers,
  call: CallDescription,
  attempts: number,
): EntraError {
  const error = (body as ODataErrorBody | null)?.error;
  const graphCode = error?.code ?? `HTTP${status}`;
  const graphMessage = error?.message ?? '';
  const details = {
    status,
    graphCode,
    requestId: error?.innerError?.['request-id'] ?? headers.get('request-id') ?? undefined,
  };
  const quoted = graphMessage ? ` ("${graphMessage}")` : '';

  if (status === 401) {
    return new EntraError('invalid_credentials',
      `Microsoft Graph rejected the app's access token while trying to ${call.what} (${graphCode}${quoted}): check that the connection's tenant, client id and Graph base URL belong together and that the app registration still exists.`, details); // prettier-ignore
  }
  if (status === 403) {
    return new EntraError(
      'missing_permission',
      `The app may not ${call.what} (${graphCode}): ${grantPermissionAdvice(call.permissions)}.`,
      {
        ...details,
        missingPermissions: call.permissions,
      },
    );
  }
  if (status === 410 || DELTA_GONE_CODES.has(graphCode.toLowerCase())) {
    return new EntraError('delta_token_expired',
      `Graph no longer knows this delta link while trying to ${call.what} (${graphCode}): run a full sync and keep the new delta link.`, details); // prettier-ignore
  }
  if (graphCode === 'Directory_ExpiredPageToken') {
    return new EntraError('skiptoken_expired',
      `The paging link expired while trying to ${call.what} (Directory_ExpiredPageToken): restart paging from the first page.`, details); // prettier-ignore
  }
  if (status === 404) {
    return (
      call.notFound?.() ??
      new EntraError('bad_request', `Graph found nothing to ${call.what} (${graphCode}${quoted}).`, details)
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after')) ?? undefined;
    const wait = retryAfterMs !== undefined ? `; Graph asks to wait ${Math.ceil(retryAfterMs / 1000)} s` : '';
    return new EntraError(
      'throttled',
      `Microsoft Graph is throttling the app (${attempts} attempts to ${call.what})${wait}; the call will be retried later.`,
      {
        ...details,
        retryAfterMs,
      },
    );
  }
  if (status >= 500) {
    return new EntraError(
      'graph_unavailable',
      `Microsoft Graph is unavailable (HTTP ${status} ${graphCode}) while trying to ${call.what}; the call will be retried.`,
      {
        ...details,
        retryAfterMs: parseRetryAfter(headers.get('retry-after')) ?? undefined,
      },
    );
  }
  return new EntraError(
    'bad_request',
    `Microsoft Graph refused to ${call.what} (HTTP ${status} ${graphCode}${quoted}).`,
    details,
  );
}
