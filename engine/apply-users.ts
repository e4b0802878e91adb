import type { SyncCounts } from '../contracts/sync-runs';
import type { Trx } from '../db/database';
import { recordRecipientEvents } from '../db/repositories/events';
import { deletePhotos, setPhotoEtags, upsertPhotos } from '../db/repositories/photo-writes';
import {
  addMemberships,
  insertChanges,
  insertRecipients,
  loadRecipientsByEmails,
  loadRecipientsByEntraIds,
  lockWorkspaceForSync,
  setEntraSourceHashes,
  updateRecipients,
} from '../db/repositories/recipient-writes';
import { setOutcomes, type StagedUser } from '../db/repositories/staged-members';
import { addRunCounts } from '../db/repositories/sync-run-progress';
import { timeOrderedId } from '../db/time-ordered-id';
import type { FieldSetting } from '../domain/fields';
import type { FetchedPhoto } from '../domain/photo';
import { planChunkFields, planUserApplies } from '../domain/plan-user-applies';

export interface ApplyScope {
  workspaceId: string;
  syncRunId: string;
  /** Members become members of this group; null for imports and recipient syncs. */
  groupId: string | null;
  settings: FieldSetting[];
  /** A disabled user without a recipient is not created (the group does not keep disabled users). */
  skipNewDisabled: boolean;
}

/**
 * The scope of a run's chunks: a group run's members become members of its group, and a new
 * disabled user is created only where the group keeps disabled users (imports and recipient syncs,
 * which have no group, never create one).
 */
export function applyScopeOf(
  syncRunId: string,
  workspaceId: string,
  settings: FieldSetting[],
  group: { id: string; syncOptions: { disabledUsers: string } } | null,
): ApplyScope {
  return {
    workspaceId,
    syncRunId,
    groupId: group?.id ?? null,
    settings,
    skipNewDisabled: group ? group.syncOptions.disabledUsers !== 'keep' : true,
  };
}

export interface ApplyInputs {
  /** Photos fetched for this chunk (only for whom the photo field is applied). */
  photos: Map<string, FetchedPhoto | null>;
  /** What each user's recipient is marked as applied from (see readMembersToApply). */
  sourceHashes: Map<string, string>;
  /**
   * How the chunk holds the workspace's sync lock: `shared` while other chunks may run alongside
   * (a conflict then fails the chunk, to be run again exclusively: writeSharedThenAlone in
   * engine/chunk-lanes.ts).
   */
  lock?: 'exclusive' | 'shared';
}

/**
 * Applies Field Settings to one chunk of Graph users inside the caller's transaction: reads the
 * recipients concerned, lets planUserApplies decide (domain/plan-user-applies.ts), then writes
 * recipients, photos, memberships, the change history, the recipients' events, the staged members'
 * outcomes and the run's counts. A fixed number of statements whatever the chunk size.
 */
export async function applyUsers(
  trx: Trx,
  scope: ApplyScope,
  users: StagedUser[],
  { photos, sourceHashes, lock = 'exclusive' }: ApplyInputs,
): Promise<Partial<SyncCounts>> {
  const { workspaceId, settings } = scope;
  await lockWorkspaceForSync(trx, workspaceId, lock);
  const ids = users.map((u) => u.id);
  const byEntra = new Map(
    (await loadRecipientsByEntraIds(trx, workspaceId, ids)).map((r) => [r.entraUserId!, r]),
  );
  const { plans, emails } = planChunkFields(settings, users, byEntra);
  const owners = new Map((await loadRecipientsByEmails(trx, workspaceId, emails)).map((r) => [r.id, r]));
  const plan = planUserApplies({
    settings,
    skipNewDisabled: scope.skipNewDisabled,
    users,
    plans,
    byEntra,
    owners,
    photos,
    sourceHashes,
    newId: timeOrderedId,
  });
  const { inserts, updates, marks, photoWrites, photoDeletes, changes, outcomes, members, counts } = plan;

  await insertRecipients(trx, workspaceId, inserts);
  await updateRecipients(trx, updates);
  await setEntraSourceHashes(trx, marks);
  await upsertPhotos(trx, photoWrites);
  await deletePhotos(trx, photoDeletes);
  await setPhotoEtags(trx, workspaceId, plan.photoEtags);
  if (scope.groupId) await addMemberships(trx, scope.groupId, members);
  await insertChanges(trx, workspaceId, scope.syncRunId, changes);
  await recordRecipientEvents(trx, workspaceId, scope.syncRunId, [
    ...inserts.map((r) => ({ recipientId: r.id, type: 'recipient.created' as const })),
    // Applying never deactivates (cleanup does): an update is a change of fields or a reactivation.
    ...updates.map((r) => ({ recipientId: r.id, type: 'recipient.updated' as const })),
  ]);
  await setOutcomes(trx, scope.syncRunId, outcomes);
  await addRunCounts(trx, scope.syncRunId, counts);
  return counts;
}
