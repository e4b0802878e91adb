import type { RecipientStatus } from './recipient';
import type { SyncOptions } from './sync-options';
import { DEFAULT_SYNC_OPTIONS } from './sync-options';

/** Why a member needs cleanup: still in the group but disabled, no longer in the group, or gone from the directory. */
export type CleanupKind = 'disabled' | 'removed' | 'deleted';

export type CleanupOptions = Pick<SyncOptions, 'disabledUsers' | 'removedUsers' | 'deletedUsers'>;

/** What cleanup does to one recipient; `null` status = leave the status alone. */
export interface CleanupEffect {
  action: 'keep' | 'remove_from_group' | 'deactivate' | 'delete';
  removeMembership: boolean;
  status: Exclude<RecipientStatus, 'active'> | null;
  statusReason: string | null;
}

/** Stored in `recipients.status_reason`; a status set by sync (prefix `entra_`) is undone when the person is back. */
export const STATUS_REASONS: Record<CleanupKind, string> = {
  disabled: 'entra_disabled',
  removed: 'entra_removed',
  deleted: 'entra_deleted',
};

export function isSyncStatusReason(reason: string | null): boolean {
  return reason !== null && reason.startsWith('entra_');
}

/** Human reasons for the change history. */
export const CLEANUP_REASONS: Record<CleanupKind, string> = {
  disabled: 'account disabled in Entra ID',
  removed: 'no longer a member of the Entra group',
  deleted: 'deleted from the Entra ID directory',
};

/**
 * The group's Sync Options applied to one case. Removed members always leave the group (except `keep`);
 * `delete` is a soft delete (status `deleted`, history kept) that also ends the membership.
 */
export function cleanupEffect(kind: CleanupKind, options: CleanupOptions): CleanupEffect {
  const action =
    kind === 'disabled'
      ? options.disabledUsers
      : kind === 'removed'
        ? options.removedUsers
        : options.deletedUsers;
  const reason = STATUS_REASONS[kind];
  switch (action) {
    case 'keep':
      return { action, removeMembership: false, status: null, statusReason: null };
    case 'remove_from_group':
      return { action, removeMembership: true, status: null, statusReason: null };
    case 'deactivate':
      return { action, removeMembership: kind === 'removed', status: 'deactivated', statusReason: reason };
    case 'delete':
      return { action, removeMembership: true, status: 'deleted', statusReason: reason };
  }
}

/** What the effect does to this recipient, in the deletion threshold's terms; null: nothing changes. */
export type CleanupOutcome = 'deactivate' | 'delete' | 'remove_from_group';

/**
 * The one change an effect makes to a recipient, the strongest first (a removed member deactivated
 * also leaves the group: that counts as deactivate). Mirrored in SQL by `writePlannedRemovals`.
 */
export function cleanupOutcome(
  effect: Pick<CleanupEffect, 'removeMembership' | 'status'>,
  recipient: { status: RecipientStatus; isMember: boolean },
): CleanupOutcome | null {
  if (effect.status === 'deleted' && recipient.status !== 'deleted') return 'delete';
  if (effect.status === 'deactivated' && recipient.status === 'active') return 'deactivate';
  if (effect.removeMembership && recipient.isMember) return 'remove_from_group';
  return null;
}

/** Whether the effect changes anything for this recipient (the deletion threshold counts only these). */
export function cleanupChangesSomething(
  effect: CleanupEffect,
  recipient: { status: RecipientStatus; isMember: boolean },
): boolean {
  return cleanupOutcome(effect, recipient) !== null;
}

/**
 * Options for a recipient sync, which has no single group: the most careful choice among the
 * recipient's groups (keep beats deactivate beats delete); the defaults when it is in none.
 */
export function mergedCleanupOptions(options: SyncOptions[]): CleanupOptions {
  if (!options.length) return DEFAULT_SYNC_OPTIONS;
  const rank = { keep: 0, remove_from_group: 1, deactivate: 2, delete: 3 } as const;
  const safest = <T extends keyof typeof rank>(values: T[]): T =>
    values.reduce((a, b) => (rank[b] < rank[a] ? b : a));
  return {
    disabledUsers: safest(options.map((o) => o.disabledUsers)),
    removedUsers: safest(options.map((o) => o.removedUsers)),
    deletedUsers: safest(options.map((o) => o.deletedUsers)),
  };
}

export interface ThresholdVerdict {
  exceeds: boolean;
  reason: string;
}

/** The deletion threshold: more than maxCount recipients, or more than maxPercent of the group's members. */
export function checkDeletionThreshold(
  threshold: SyncOptions['deletionThreshold'],
  wouldRemove: number,
  memberCount: number,
): ThresholdVerdict {
  const { maxCount, maxPercent } = threshold;
  if (maxCount !== null && wouldRemove > maxCount) {
    return {
      exceeds: true,
      reason: `cleanup would remove ${wouldRemove} recipients, more than the threshold of ${maxCount}`,
    };
  }
  if (maxPercent !== null && memberCount > 0 && (wouldRemove * 100) / memberCount > maxPercent) {
    const pct = Math.round((wouldRemove * 1000) / memberCount) / 10;
    return {
      exceeds: true,
      reason: `cleanup would remove ${wouldRemove} of ${memberCount} members (${pct}%), more than the threshold of ${maxPercent}%`,
    };
  }
  return { exceeds: false, reason: 'within the deletion threshold' };
}
