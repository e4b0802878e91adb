import type { Trx } from '../db/database';
import type { RecipientChange } from '../domain/recipient-change';
import type { RecipientStatus } from '../domain/recipient';
import type { SyncCounts } from '../contracts/sync-runs';
import type { SyncOptions } from '../domain/sync-options';
import type { CleanupCandidate } from '../db/repositories/staged-members';
import { recordRecipientEvents } from '../db/repositories/events';
import { setOutcomes } from '../db/repositories/staged-members';
import { addRunCounts } from '../db/repositories/sync-run-progress';
import { membersOfGroup, optionsOfRecipientGroups } from '../db/repositories/group-memberships';
import {
  insertChanges,
  loadRecipientsByEntraIds,
  lockWorkspaceForSync,
  removeMemberships,
  setRecipientStatuses,
} from '../db/repositories/recipient-writes';
import {
  CLEANUP_REASONS,
  cleanupChangesSomething,
  cleanupEffect,
  mergedCleanupOptions,
  type CleanupKind,
} from '../domain/cleanup-policy';

export interface CleanUpScope {
  workspaceId: string;
  syncRunId: string;
  /** A group sync applies this group's options to its members; null = a recipient sync (options of all their groups). */
  group: { id: string; options: SyncOptions } | null;
}

const GUEST_REASON = "guest accounts are excluded by this group's sync options";

/** Applies Sync Options to one chunk of cleanup cases, in the caller's transaction. */
export async function cleanUpChunk(
  trx: Trx,
  scope: CleanUpScope,
  rows: CleanupCandidate[],
): Promise<Partial<SyncCounts>> {
  const { workspaceId, group } = scope;
  await lockWorkspaceForSync(trx, workspaceId);
  const recipients = new Map(
    (
      await loadRecipientsByEntraIds(
        trx,
        workspaceId,
        rows.map((r) => r.entraUserId),
      )
    ).map((r) => [r.entraUserId!, r]),
  );
  const ids = [...recipients.values()].map((r) => r.id);
  const groupOptions = group ? new Map<string, SyncOptions[]>() : await optionsOfRecipientGroups(trx, ids);
  const memberOf = group ? await membersOfGroup(trx, group.id, ids) : new Set(groupOptions.keys());

  const counts: Partial<Record<keyof SyncCounts, number>> = {};
  const bump = (k: keyof SyncCounts) => (counts[k] = (counts[k] ?? 0) + 1);
  const statuses: Array<{ id: string; status: RecipientStatus; statusReason: string | null }> = [];
  const removals: string[] = [];
  const changes: RecipientChange[] = [];
  const outcomes: Array<{ entraUserId: string; recipientId: string | null; outcome: string }> = [];

  for (const row of rows) {
    const recipient = recipients.get(row.entraUserId);
    const isMember = recipient ? memberOf.has(recipient.id) : false;
    if (row.outcome === 'excluded_guest' && !isMember) {
      changes.push({
        recipientId: recipient?.id ?? null,
        entraUserId: row.entraUserId,
        action: 'skipped',
        field: null,
        oldValue: null,
        newValue: null,
        reason: GUEST_REASON,
      });
      bump('skipped');
      continue;
    }
    if (!recipient) continue;
    const kind: CleanupKind = row.change === 'present' ? 'disabled' : row.change;
    const options = group ? group.options : mergedCleanupOptions(groupOptions.get(recipient.id) ?? []);
    const effect = cleanupEffect(kind, options);
    if (!cleanupChangesSomething(effect, { status: recipient.status, isMember })) {
      // A recipient sync reports the person's state even when their groups' options change nothing.
      if (!group) {
        const why =
          effect.action === 'keep' ? "the recipient's groups keep such users" : `already ${recipient.status}`;
        changes.push({
          recipientId: recipient.id,
          entraUserId: row.entraUserId,
          action: 'skipped',
          field: null,
          oldValue: null,
          newValue: null,
          reason: `${CLEANUP_REASONS[kind]}; no change: ${why}`,
        });
      }
      continue;
    }
    const reason = row.outcome === 'excluded_guest' ? GUEST_REASON : CLEANUP_REASONS[kind];
    const base = { recipientId: recipient.id, entraUserId: row.entraUserId, reason };
    const statusChanges =
      (effect.status === 'deactivated' && recipient.status === 'active') ||
      (effect.status === 'deleted' && recipient.status !== 'deleted');
    if (statusChanges && effect.status) {
      statuses.push({ id: recipient.id, status: effect.status, statusReason: effect.statusReason });
      changes.push({
        ...base,
        action: effect.status,
        field: 'status',
        oldValue: recipient.status,
        newValue: effect.status,
      });
      bump(effect.status === 'deleted' ? 'recipientsDeleted' : 'recipientsDeactivated');
    }
    if (effect.removeMembership && isMember) {
      removals.push(recipient.id);
      if (!statusChanges)
        changes.push({
          ...base,
          action: 'removed_from_group',
          field: null,
          oldValue: group?.id ?? null,
          newValue: null,
        });
    }
    outcomes.push({ entraUserId: row.entraUserId, recipientId: recipient.id, outcome: effect.action });
  }

  await setRecipientStatuses(trx, statuses);
  await removeMemberships(trx, group?.id ?? null, removals);
  await insertChanges(trx, workspaceId, scope.syncRunId, changes);
  await recordRecipientEvents(
    trx,
    workspaceId,
    scope.syncRunId,
    statuses.map((s) => ({
      recipientId: s.id,
      type: s.status === 'deleted' ? 'recipient.deleted' : 'recipient.deactivated',
    })),
  );
  await setOutcomes(trx, scope.syncRunId, outcomes);
  await addRunCounts(trx, scope.syncRunId, counts);
  return counts;
}
