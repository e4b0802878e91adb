import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { SyncCounts } from '../contracts/sync-runs';
import type { StagedUser } from '../db/repositories/staged-members';
import { setOutcomes } from '../db/repositories/staged-members';
import { addRunCounts } from '../db/repositories/sync-run-progress';
import { deletePhotos, upsertPhotos, type PhotoWrite } from '../db/repositories/photo-writes';
import {
  addMemberships,
  insertChanges,
  insertRecipients,
  loadRecipientsByEmails,
  loadRecipientsByEntraIds,
  lockWorkspaceForSync,
  setEntraSourceHashes,
  updateRecipients,
  type ChangeRow,
  type SyncRecipient,
} from '../db/repositories/recipient-writes';
import { decidePhoto, planRecipientFields, type CurrentFields } from '../domain/field-settings';
import { isSyncStatusReason } from '../domain/cleanup-policy';
import type { FieldSetting } from '../domain/fields';
import type { FetchedPhoto } from './photos';
import { timeOrderedId } from '../db/time-ordered-id';

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

const fieldsOf = (r: SyncRecipient): CurrentFields => ({
  values: r.values,
  customFields: r.customFields,
  lockedFields: r.lockedFields,
});
const lower = (s: string) => s.toLowerCase();
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

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
 * Applies Field Settings to one chunk of Graph users inside the caller's transaction: creates,
 * links (manual recipient with the same email) or updates recipients, reactivates people back in
 * Entra, stores photos, memberships and the change history, and adds to the run's counts.
 * Reads and writes a fixed number of statements whatever the chunk size.
 */
export async function applyUsers(
  trx: Transaction<Database>,
  scope: ApplyScope,
  users: StagedUser[],
  { photos, sourceHashes, lock = 'exclusive' }: ApplyInputs,
): Promise<Partial<SyncCounts>> {
  const { workspaceId, settings } = scope;
  const hashOf = (u: StagedUser) => sourceHashes.get(u.id) ?? null;
  await lockWorkspaceForSync(trx, workspaceId, lock);
  const byEntra = new Map(
    (
      await loadRecipientsByEntraIds(
        trx,
        workspaceId,
        users.map((u) => u.id),
      )
    ).map((r) => [r.entraUserId!, r]),
  );
  const firstPlans = new Map(
    users.map((u) => [
      u.id,
      planRecipientFields(settings, u, byEntra.has(u.id) ? fieldsOf(byEntra.get(u.id)!) : null),
    ]),
  );
  const emails = [
    ...new Set(
      [...firstPlans.values()]
        .map((p) => p.email)
        .filter((e): e is string => e !== null)
        .map(lower),
    ),
  ];
  const owners = new Map((await loadRecipientsByEmails(trx, workspaceId, emails)).map((r) => [r.id, r]));
  const claimed = new Map([...owners.values()].map((r) => [lower(r.values.email!), r.id]));

  const counts: Partial<Record<keyof SyncCounts, number>> = {};
  const bump = (k: keyof SyncCounts) => (counts[k] = (counts[k] ?? 0) + 1);
  const inserts: SyncRecipient[] = [];
  const updates: SyncRecipient[] = [];
  const photoWrites: PhotoWrite[] = [];
  const photoDeletes: string[] = [];
  const changes: ChangeRow[] = [];
  /** Recipients already as applied whose mark of what they were applied from is new. */
  const marks: Array<{ id: string; entraSourceHash: string; rowVersion: string | null }> = [];
  /** Members of the group after this chunk: recipients it created, and ones that were there before. */
  const members = { created: [] as string[], existing: [] as string[] };
  const outcomes: Array<{ entraUserId: string; recipientId: string | null; outcome: string }> = [];

  const skip = (u: StagedUser, recipientId: string | null, reason: string) => {
    changes.push({
      recipientId,
      entraUserId: u.id,
      action: 'skipped',
      field: null,
      oldValue: null,
      newValue: null,
      reason,
    });
    outcomes.push({ entraUserId: u.id, recipientId, outcome: 'skipped' });
    bump('skipped');
  };
  /** Applies the fetched photo (if any) to `next`; true when it changed. */
  const applyPhoto = (u: StagedUser, next: SyncRecipient, isNew: boolean): boolean => {
    if (!photos.has(u.id)) return false;
    const fetched = photos.get(u.id)!;
    const decision = decidePhoto(
      settings,
      next.lockedFields,
      next.photoHash,
      fetched ? { hash: fetched.hash } : null,
    );
    if (decision === 'keep') return false;
    const old = next.photoHash;
    if (decision === 'write' && fetched) {
      photoWrites.push({
        recipientId: next.id,
        contentHash: fetched.hash,
        contentType: fetched.contentType,
        data: fetched.data,
      });
      next.photoHash = fetched.hash;
    } else {
      photoDeletes.push(next.id);
      next.photoHash = null;
    }
    if (!isNew)
      changes.push({
        recipientId: next.id,
        entraUserId: u.id,
        action: 'photo',
        field: 'photo',
        oldValue: old,
        newValue: next.photoHash,
        reason: null,
      });
    return true;
  };

  for (const u of [...users].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const current = byEntra.get(u.id);
    const accountEnabled = bool(u.accountEnabled);
    const userType = str(u.userType);
    let plan = firstPlans.get(u.id)!;
    if (!plan.email) {
      skip(u, current?.id ?? null, 'no email: the user has neither mail nor userPrincipalName in Entra ID');
      continue;
    }
    const email = lower(plan.email);

    if (!current) {
      if (accountEnabled === false && scope.skipNewDisabled) {
        skip(u, null, 'account disabled in Entra ID (the group does not keep disabled users)');
        continue;
      }
      const ownerId = claimed.get(email);
      const owner = ownerId ? owners.get(ownerId) : undefined;
      if (ownerId && !(owner && owner.entraUserId === null)) {
        skip(u, null, `email ${plan.email} is already used by another recipient`);
        continue;
      }
      if (owner) {
        // First import of someone added by hand: link the manual recipient instead of duplicating it.
        plan = planRecipientFields(settings, u, fieldsOf(owner));
        const next: SyncRecipient = {
          ...owner,
          entraUserId: u.id,
          values: plan.values,
          customFields: plan.customFields,
          accountEnabled,
          userType,
          entraSourceHash: hashOf(u),
        };
        owner.entraUserId = u.id;
        applyPhoto(u, next, false);
        changes.push({
          recipientId: owner.id,
          entraUserId: u.id,
          action: 'updated',
          field: 'entraUserId',
          oldValue: null,
          newValue: u.id,
          reason: 'linked to Entra ID by email',
        });
        for (const c of plan.changes)
          changes.push({
            recipientId: owner.id,
            entraUserId: u.id,
            action: 'updated',
            ...c,
            reason: 'linked to Entra ID by email',
          });
        updates.push(next);
        bump('recipientsUpdated');
        outcomes.push({ entraUserId: u.id, recipientId: owner.id, outcome: 'linked' });
        members.existing.push(owner.id);
        continue;
      }
      const created: SyncRecipient = {
        id: timeOrderedId(),
        entraUserId: u.id,
        status: 'active',
        statusReason: null,
        values: plan.values,
        customFields: plan.customFields,
        lockedFields: [],
        photoHash: null,
        accountEnabled,
        userType,
        entraSourceHash: hashOf(u),
        rowVersion: null,
      };
      applyPhoto(u, created, true);
      claimed.set(email, created.id);
      inserts.push(created);
      changes.push({
        recipientId: created.id,
        entraUserId: u.id,
        action: 'created',
        field: null,
        oldValue: null,
        newValue: plan.email,
        reason: null,
      });
      bump('recipientsCreated');
      outcomes.push({ entraUserId: u.id, recipientId: created.id, outcome: 'created' });
      members.created.push(created.id);
      continue;
    }

    const holder = claimed.get(email);
    if (holder && holder !== current.id) {
      skip(u, current.id, `email ${plan.email} is already used by another recipient`);
      continue;
    }
    claimed.set(email, current.id);
    const next: SyncRecipient = {
      ...current,
      values: plan.values,
      customFields: plan.customFields,
      accountEnabled,
      userType,
      entraSourceHash: hashOf(u),
    };
    const reactivate =
      current.status !== 'active' && isSyncStatusReason(current.statusReason) && accountEnabled !== false;
    if (reactivate) {
      next.status = 'active';
      next.statusReason = null;
      changes.push({
        recipientId: current.id,
        entraUserId: u.id,
        action: 'reactivated',
        field: 'status',
        oldValue: current.status,
        newValue: 'active',
        reason: 'active again in Entra ID',
      });
      bump('recipientsReactivated');
    }
    const photoChanged = applyPhoto(u, next, false);
    for (const c of plan.changes)
      changes.push({ recipientId: current.id, entraUserId: u.id, action: 'updated', ...c, reason: null });
    const fieldsChanged = plan.changes.length > 0 || photoChanged;
    if (
      fieldsChanged ||
      reactivate ||
      current.accountEnabled !== accountEnabled ||
      current.userType !== userType
    )
      updates.push(next);
    else if (next.entraSourceHash && next.entraSourceHash !== current.entraSourceHash)
      marks.push({ id: current.id, entraSourceHash: next.entraSourceHash, rowVersion: current.rowVersion });
    if (fieldsChanged) bump('recipientsUpdated');
    else if (!reactivate) bump('recipientsUnchanged');
    outcomes.push({
      entraUserId: u.id,
      recipientId: current.id,
      outcome: fieldsChanged ? 'updated' : reactivate ? 'reactivated' : 'unchanged',
    });
    members.existing.push(current.id);
  }

  await insertRecipients(trx, workspaceId, inserts);
  await updateRecipients(trx, updates);
  await setEntraSourceHashes(trx, marks);
  await upsertPhotos(trx, photoWrites);
  await deletePhotos(trx, photoDeletes);
  if (scope.groupId) await addMemberships(trx, scope.groupId, members);
  await insertChanges(trx, workspaceId, scope.syncRunId, changes);
  await setOutcomes(trx, scope.syncRunId, outcomes);
  await addRunCounts(trx, scope.syncRunId, counts);
  return counts;
}
