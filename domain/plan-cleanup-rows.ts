import type { SyncCounts } from '../contracts/sync-runs';
import {
  CLEANUP_REASONS,
  cleanupChangesSomething,
  cleanupEffect,
  type CleanupKind,
  type CleanupOptions,
} from './cleanup-policy';
import type { RecipientStatus, SyncRecipient } from './recipient';
import type { RecipientChange } from './recipient-change';

/** A staged cleanup case: removed, deleted, or present but disabled. */
export interface CleanupRow {
  entraUserId: string;
  change: 'present' | 'removed' | 'deleted';
  outcome: string | null;
}

export interface CleanupRowsInput {
  rows: CleanupRow[];
  /** The workspace's recipients of these rows, by Entra id. */
  recipients: Map<string, SyncRecipient>;
  /** Recipient ids that are members of the group (of any group, for a recipient sync). */
  memberOf: Set<string>;
  /** The group whose options apply; null = a recipient sync (`optionsOf` per recipient). */
  groupId: string | null;
  optionsOf: (recipientId: string) => CleanupOptions;
}

export interface CleanupRowsPlan {
  statuses: Array<{ id: string; status: RecipientStatus; statusReason: string | null }>;
  /** Recipients whose membership ends. */
  removals: string[];
  changes: RecipientChange[];
  outcomes: Array<{ entraUserId: string; recipientId: string | null; outcome: string }>;
  counts: Partial<SyncCounts>;
  /** Recipients that only leave the group (their status stays): the `removed_from_group` changes. */
  removedFromGroup: number;
}

const GUEST_REASON = "guest accounts are excluded by this group's sync options";

const change = (
  base: Pick<RecipientChange, 'recipientId' | 'entraUserId'>,
  rest: Partial<RecipientChange> & Pick<RecipientChange, 'action'>,
): RecipientChange => ({ field: null, oldValue: null, newValue: null, reason: null, ...base, ...rest });

/**
 * Decides (pure) what cleanup does to one chunk of cleanup cases under the Sync Options: the
 * statuses to set, memberships to end, the change history and the counts. A group sync applies
 * it (engine/clean-up-chunk.ts); a preview records it as planned (engine/preview-plan.ts).
 */
export function planCleanupRows(input: CleanupRowsInput): CleanupRowsPlan {
  const { recipients, memberOf, groupId } = input;
  const plan: CleanupRowsPlan = {
    statuses: [],
    removals: [],
    changes: [],
    outcomes: [],
    counts: {},
    removedFromGroup: 0,
  };
  const bump = (k: keyof SyncCounts) => (plan.counts[k] = (plan.counts[k] ?? 0) + 1);

  for (const row of input.rows) {
    const recipient = recipients.get(row.entraUserId);
    const isMember = recipient ? memberOf.has(recipient.id) : false;
    if (row.outcome === 'excluded_guest' && !isMember) {
      plan.changes.push(
        change(
          { recipientId: recipient?.id ?? null, entraUserId: row.entraUserId },
          { action: 'skipped', reason: GUEST_REASON },
        ),
      );
      bump('skipped');
      continue;
    }
    if (!recipient) continue;
    const kind: CleanupKind = row.change === 'present' ? 'disabled' : row.change;
    const effect = cleanupEffect(kind, input.optionsOf(recipient.id));
    const base = { recipientId: recipient.id, entraUserId: row.entraUserId };
    if (!cleanupChangesSomething(effect, { status: recipient.status, isMember })) {
      // A recipient sync reports the person's state even when their groups' options change nothing.
      if (!groupId) {
        const why =
          effect.action === 'keep' ? "the recipient's groups keep such users" : `already ${recipient.status}`;
        plan.changes.push(
          change(base, { action: 'skipped', reason: `${CLEANUP_REASONS[kind]}; no change: ${why}` }),
        );
      }
      continue;
    }
    const reason = row.outcome === 'excluded_guest' ? GUEST_REASON : CLEANUP_REASONS[kind];
    const statusChanges =
      (effect.status === 'deactivated' && recipient.status === 'active') ||
      (effect.status === 'deleted' && recipient.status !== 'deleted');
    if (statusChanges && effect.status) {
      plan.statuses.push({ id: recipient.id, status: effect.status, statusReason: effect.statusReason });
      plan.changes.push(
        change(base, {
          action: effect.status,
          field: 'status',
          oldValue: recipient.status,
          newValue: effect.status,
          reason,
        }),
      );
      bump(effect.status === 'deleted' ? 'recipientsDeleted' : 'recipientsDeactivated');
    }
    if (effect.removeMembership && isMember) {
      plan.removals.push(recipient.id);
      if (!statusChanges) {
        plan.changes.push(change(base, { action: 'removed_from_group', oldValue: groupId, reason }));
        plan.removedFromGroup += 1;
      }
    }
    plan.outcomes.push({ entraUserId: row.entraUserId, recipientId: recipient.id, outcome: effect.action });
  }
  return plan;
}
