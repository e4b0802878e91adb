import type { Trx } from '../db/database';
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
import { mergedCleanupOptions } from '../domain/cleanup-policy';
import { planCleanupRows } from '../domain/plan-cleanup-rows';

export interface CleanUpScope {
  workspaceId: string;
  syncRunId: string;
  /** A group sync applies this group's options to its members; null = a recipient sync (options of all their groups). */
  group: { id: string; options: SyncOptions } | null;
}

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

  const { statuses, removals, changes, outcomes, counts } = planCleanupRows({
    rows,
    recipients,
    memberOf,
    groupId: group?.id ?? null,
    optionsOf: (id) => (group ? group.options : mergedCleanupOptions(groupOptions.get(id) ?? [])),
  });

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
