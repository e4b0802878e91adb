import type { RecipientStatus } from './recipient';

/** What an admin can do to a recipient's status through the API. */
export type ManualStatusAction = 'deactivate' | 'reactivate' | 'delete';

/**
 * Stored in `recipients.status_reason` for a status an admin set. Not prefixed `entra_`, so a sync
 * never undoes it (cleanup-policy.ts isSyncStatusReason): a manually deactivated person stays so
 * while Entra still lists them as active.
 */
export const MANUAL_STATUS_REASONS = {
  deactivate: 'manual_deactivated',
  delete: 'manual_deleted',
} as const;

export type ManualStatusPlan =
  | { kind: 'change'; status: RecipientStatus; statusReason: string | null; action: string }
  | { kind: 'unchanged' }
  | { kind: 'refused'; detail: string };

/**
 * The next status for an admin's action: deactivating pins the status to the admin (even over a
 * sync's deactivation), deleting is soft and final through the API, reactivating undoes either
 * kind of deactivation but not a deletion. Asking for the status a recipient already has by the
 * same hand changes nothing.
 */
export function planManualStatus(
  current: { status: RecipientStatus; statusReason: string | null },
  action: ManualStatusAction,
): ManualStatusPlan {
  if (action === 'delete') {
    if (current.status === 'deleted') return { kind: 'unchanged' };
    return {
      kind: 'change',
      status: 'deleted',
      statusReason: MANUAL_STATUS_REASONS.delete,
      action: 'deleted',
    };
  }
  if (current.status === 'deleted') {
    return {
      kind: 'refused',
      detail:
        'the recipient is deleted, and a deletion is final here: create a new recipient (POST /v1/recipients) or import the person again under a new record',
    };
  }
  if (action === 'deactivate') {
    if (current.status === 'deactivated' && current.statusReason === MANUAL_STATUS_REASONS.deactivate)
      return { kind: 'unchanged' };
    return {
      kind: 'change',
      status: 'deactivated',
      statusReason: MANUAL_STATUS_REASONS.deactivate,
      action: 'deactivated',
    };
  }
  if (current.status === 'active') return { kind: 'unchanged' };
  return { kind: 'change', status: 'active', statusReason: null, action: 'reactivated' };
}
