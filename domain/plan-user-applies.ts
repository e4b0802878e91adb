import type { SyncCounts } from '../contracts/sync-runs';
import { isSyncStatusReason } from './cleanup-policy';
import { decidePhoto, planRecipientFields, type CurrentFields, type FieldPlan } from './field-settings';
import type { FieldSetting } from './fields';
import type { GraphUserLike } from './graph-source';
import type { FetchedPhoto, PhotoWrite } from './photo';
import type { RecipientChange } from './recipient-change';
import type { SyncRecipient } from './recipient';

const fieldsOf = (r: SyncRecipient): CurrentFields => ({
  values: r.values,
  customFields: r.customFields,
  lockedFields: r.lockedFields,
});
const lower = (s: string) => s.toLowerCase();
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

/**
 * Each user's fields under the settings (as planned against their recipient, if any), and the
 * emails they would hold: whoever owns one of those emails is read before planning the chunk.
 */
export function planChunkFields(
  settings: FieldSetting[],
  users: GraphUserLike[],
  byEntra: Map<string, SyncRecipient>,
): { plans: Map<string, FieldPlan>; emails: string[] } {
  const plans = new Map(
    users.map((u) => [
      u.id,
      planRecipientFields(settings, u, byEntra.has(u.id) ? fieldsOf(byEntra.get(u.id)!) : null),
    ]),
  );
  const emails = new Set<string>();
  for (const p of plans.values()) if (p.email !== null) emails.add(lower(p.email));
  return { plans, emails: [...emails] };
}

export interface UserAppliesInput {
  settings: FieldSetting[];
  /** A disabled user without a recipient is not created (the group does not keep disabled users). */
  skipNewDisabled: boolean;
  users: GraphUserLike[];
  /** planChunkFields' plans for these users. */
  plans: Map<string, FieldPlan>;
  /** The workspace's recipients of these users, by Entra id. */
  byEntra: Map<string, SyncRecipient>;
  /** The recipients owning any of the planned emails, by id. */
  owners: Map<string, SyncRecipient>;
  /** Photos fetched for this chunk (only for whom the photo field is applied). */
  photos: Map<string, FetchedPhoto | null>;
  /** What each user's recipient is marked as applied from (see readMembersToApply). */
  sourceHashes: Map<string, string>;
  newId: () => string;
}

/** Everything one chunk writes, decided from one read. */
export interface UserAppliesPlan {
  inserts: SyncRecipient[];
  updates: SyncRecipient[];
  /** Recipients already as applied whose mark of what they were applied from is new. */
  marks: Array<{ id: string; entraSourceHash: string; rowVersion: string | null }>;
  photoWrites: PhotoWrite[];
  photoDeletes: string[];
  changes: RecipientChange[];
  outcomes: Array<{ entraUserId: string; recipientId: string | null; outcome: string }>;
  /** Members of the group after this chunk: recipients it created, and ones that were there before. */
  members: { created: string[]; existing: string[] };
  counts: Partial<SyncCounts>;
}

/**
 * Decides, user by user, what applying Field Settings does (pure): create a recipient, link a
 * manual recipient with the same email, update one, reactivate one back in Entra, or skip the
 * user with a reason; with the change history and the run's counts.
 */
export function planUserApplies(input: UserAppliesInput): UserAppliesPlan {
  const { settings, users, byEntra, owners, photos, sourceHashes } = input;
  const firstPlans = input.plans;
  const hashOf = (u: GraphUserLike) => sourceHashes.get(u.id) ?? null;
  const claimed = new Map([...owners.values()].map((r) => [lower(r.values.email!), r.id]));

  const counts: Partial<Record<keyof SyncCounts, number>> = {};
  const bump = (k: keyof SyncCounts) => (counts[k] = (counts[k] ?? 0) + 1);
  const inserts: SyncRecipient[] = [];
  const updates: SyncRecipient[] = [];
  const photoWrites: PhotoWrite[] = [];
  const photoDeletes: string[] = [];
  const changes: RecipientChange[] = [];
  const marks: Array<{ id: string; entraSourceHash: string; rowVersion: string | null }> = [];
  const members = { created: [] as string[], existing: [] as string[] };
  const outcomes: Array<{ entraUserId: string; recipientId: string | null; outcome: string }> = [];

  const skip = (u: GraphUserLike, recipientId: string | null, reason: string) => {
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
  const applyPhoto = (u: GraphUserLike, next: SyncRecipient, isNew: boolean): boolean => {
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
      if (accountEnabled === false && input.skipNewDisabled) {
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
        id: input.newId(),
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

  return { inserts, updates, marks, photoWrites, photoDeletes, changes, outcomes, members, counts };
}
