/** Failure types a retry cannot fix; the run record's `error.code` takes the same value. */
export const NON_RETRYABLE_FAILURES = [
  'invalid_credentials',
  'unknown_tenant',
  'missing_permission',
  'group_not_found',
  'user_not_found',
  'not_linked',
  'no_connection',
  'invalid_input',
  /** the connection points at a host the operator's outbound policy refuses */
  'outbound_refused',
  /** Graph sent more than a cap allows (a page, a photo, a discovery document, pages, Retry-After waits) */
  'graph_limit_exceeded',
] as const;
export type NonRetryableFailure = (typeof NON_RETRYABLE_FAILURES)[number];

/** The one message for a run whose group was unlinked (or never belonged to the workspace). */
export function groupNotLinkedMessage(groupId: string): string {
  return `group ${groupId} is not linked in this workspace; link it again with POST /v1/groups`;
}
