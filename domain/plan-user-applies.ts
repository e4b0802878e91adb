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
  /** Stored photos downloaded again and found the same: only Entra's etag for them is recorded. */
  photoEtags: Array<{ entraUserId: string; contentHash: string; mediaEtag: string }>;
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
  const planner = new ChunkPlanner(input);
  for (const u of [...input.users].sort((a, b) => (a.id < b.id ? -1 : 1))) planner.user(u);
  return planner.plan;
}

const NO_EMAIL = 'no email: the user has neither mail nor userPrincipalName in Entra ID';
const NEW_DISABLED = 'account disabled in Entra ID (the group does not keep disabled users)';
const LINKED = 'linked to Entra ID by email';
const emailTaken = (email: string) => `email ${email} is already used by another recipient`;

/** The plan of one chunk as it is decided, user after user (emails claimed so far included). */
class ChunkPlanner {
  readonly plan: UserAppliesPlan = {
    inserts: [],
    updates: [],
    marks: [],
    photoWrites: [],
    photoDeletes: [],
    photoEtags: [],
    changes: [],
    outcomes: [],
    members: { created: [], existing: [] },
    counts: {},
  };
  /** Lower-cased email → the recipient holding it after the users decided so far. */
  private readonly claimed: Map<string, string>;

  constructor(private readonly input: UserAppliesInput) {
    this.claimed = new Map([...input.owners.values()].map((r) => [lower(r.values.email!), r.id]));
  }

  user(u: GraphUserLike): void {
    const current = this.input.byEntra.get(u.id);
    const fields = this.input.plans.get(u.id)!;
    if (!fields.email) return this.skip(u, current?.id ?? null, NO_EMAIL);
    if (current) this.existing(u, current, fields, fields.email);
    else this.newcomer(u, fields, fields.email);
  }

  /** A user without a recipient: created, or linked to the manual recipient holding their email. */
  private newcomer(u: GraphUserLike, fields: FieldPlan, email: string): void {
    if (bool(u.accountEnabled) === false && this.input.skipNewDisabled)
      return this.skip(u, null, NEW_DISABLED);
    const ownerId = this.claimed.get(lower(email));
    const owner = ownerId ? this.input.owners.get(ownerId) : undefined;
    if (ownerId && !(owner && owner.entraUserId === null)) return this.skip(u, null, emailTaken(email));
    if (owner) return this.link(u, owner);
    const created: SyncRecipient = {
      id: this.input.newId(),
      entraUserId: u.id,
      status: 'active',
      statusReason: null,
      values: fields.values,
      customFields: fields.customFields,
      lockedFields: [],
      photoHash: null,
      ...this.fromEntra(u),
      rowVersion: null,
    };
    this.photo(u, created, true);
    this.claimed.set(lower(email), created.id);
    this.plan.inserts.push(created);
    this.change(u, created.id, { action: 'created', newValue: email });
    this.done(u, created.id, 'created', 'recipientsCreated');
    this.plan.members.created.push(created.id);
  }

  /** First import of someone added by hand: the manual recipient is linked instead of duplicated. */
  private link(u: GraphUserLike, owner: SyncRecipient): void {
    const fields = planRecipientFields(this.input.settings, u, fieldsOf(owner));
    const next: SyncRecipient = {
      ...owner,
      entraUserId: u.id,
      values: fields.values,
      customFields: fields.customFields,
      ...this.fromEntra(u),
    };
    owner.entraUserId = u.id;
    this.photo(u, next, false);
    this.change(u, owner.id, { action: 'updated', field: 'entraUserId', newValue: u.id, reason: LINKED });
    for (const c of fields.changes) this.change(u, owner.id, { action: 'updated', ...c, reason: LINKED });
    this.plan.updates.push(next);
    this.done(u, owner.id, 'linked', 'recipientsUpdated');
    this.plan.members.existing.push(owner.id);
  }

  /** A user with a recipient: updated, reactivated, or found as applied (only its mark moves). */
  private existing(u: GraphUserLike, current: SyncRecipient, fields: FieldPlan, email: string): void {
    const holder = this.claimed.get(lower(email));
    if (holder && holder !== current.id) return this.skip(u, current.id, emailTaken(email));
    this.claimed.set(lower(email), current.id);
    const entra = this.fromEntra(u);
    const next: SyncRecipient = {
      ...current,
      values: fields.values,
      customFields: fields.customFields,
      ...entra,
    };
    const reactivate =
      current.status !== 'active' &&
      isSyncStatusReason(current.statusReason) &&
      entra.accountEnabled !== false;
    if (reactivate) {
      next.status = 'active';
      next.statusReason = null;
      const reason = 'active again in Entra ID';
      this.change(u, current.id, {
        action: 'reactivated',
        field: 'status',
        oldValue: current.status,
        newValue: 'active',
        reason,
      });
      this.bump('recipientsReactivated');
    }
    const photoChanged = this.photo(u, next, false);
    for (const c of fields.changes) this.change(u, current.id, { action: 'updated', ...c });
    const fieldsChanged = fields.changes.length > 0 || photoChanged;
    const entraChanged =
      current.accountEnabled !== entra.accountEnabled || current.userType !== entra.userType;
    if (fieldsChanged || reactivate || entraChanged) this.plan.updates.push(next);
    else if (next.entraSourceHash && next.entraSourceHash !== current.entraSourceHash)
      this.plan.marks.push({
        id: current.id,
        entraSourceHash: next.entraSourceHash,
        rowVersion: current.rowVersion,
      });
    const outcome = fieldsChanged ? 'updated' : reactivate ? 'reactivated' : 'unchanged';
    this.done(
      u,
      current.id,
      outcome,
      fieldsChanged ? 'recipientsUpdated' : reactivate ? null : 'recipientsUnchanged',
    );
    this.plan.members.existing.push(current.id);
  }

  /** Applies the fetched photo (if any) to `next`; true when it changed. */
  private photo(u: GraphUserLike, next: SyncRecipient, isNew: boolean): boolean {
    if (!this.input.photos.has(u.id)) return false;
    const fetched = this.input.photos.get(u.id)!;
    const decision = decidePhoto(
      this.input.settings,
      next.lockedFields,
      next.photoHash,
      fetched ? { hash: fetched.hash } : null,
    );
    if (decision === 'keep') {
      if (fetched?.mediaEtag && fetched.hash === next.photoHash)
        this.plan.photoEtags.push({
          entraUserId: u.id,
          contentHash: fetched.hash,
          mediaEtag: fetched.mediaEtag,
        });
      return false;
    }
    const old = next.photoHash;
    if (decision === 'write' && fetched) {
      this.plan.photoWrites.push({
        recipientId: next.id,
        contentHash: fetched.hash,
        contentType: fetched.contentType,
        mediaEtag: fetched.mediaEtag,
      });
      next.photoHash = fetched.hash;
    } else {
      this.plan.photoDeletes.push(next.id);
      next.photoHash = null;
    }
    if (!isNew)
      this.change(u, next.id, { action: 'photo', field: 'photo', oldValue: old, newValue: next.photoHash });
    return true;
  }

  /** What the recipient records of the Entra user besides the mapped fields. */
  private fromEntra(u: GraphUserLike) {
    return {
      accountEnabled: bool(u.accountEnabled),
      userType: str(u.userType),
      entraSourceHash: this.input.sourceHashes.get(u.id) ?? null,
    };
  }

  private skip(u: GraphUserLike, recipientId: string | null, reason: string): void {
    this.change(u, recipientId, { action: 'skipped', reason });
    this.done(u, recipientId, 'skipped', 'skipped');
  }

  private change(
    u: GraphUserLike,
    recipientId: string | null,
    change: Pick<RecipientChange, 'action'> & Partial<RecipientChange>,
  ): void {
    this.plan.changes.push({
      recipientId,
      entraUserId: u.id,
      field: null,
      oldValue: null,
      newValue: null,
      reason: null,
      ...change,
    });
  }

  private done(
    u: GraphUserLike,
    recipientId: string | null,
    outcome: string,
    count: keyof SyncCounts | null,
  ): void {
    this.plan.outcomes.push({ entraUserId: u.id, recipientId, outcome });
    if (count) this.bump(count);
  }

  private bump(count: keyof SyncCounts): void {
    this.plan.counts[count] = (this.plan.counts[count] ?? 0) + 1;
  }
}
