import type { PreviewCounts, SyncCounts } from '../contracts/sync-runs';
import type { Db } from '../db/database';
import { membersOfGroup } from '../db/repositories/group-memberships';
import type { SyncGroup } from '../db/repositories/groups';
import {
  loadRecipientsByEmails,
  loadRecipientsByEntraIds,
  insertChanges,
} from '../db/repositories/recipient-writes';
import {
  MEMBER_OUTCOMES,
  readCleanupChunk,
  readMembersToApply,
  setOutcomes,
} from '../db/repositories/staged-members';
import { addRunCounts } from '../db/repositories/sync-run-progress';
import type { FieldSetting } from '../domain/fields';
import { planCleanupRows } from '../domain/plan-cleanup-rows';
import { planChunkFields, planUserApplies } from '../domain/plan-user-applies';
import type { RecipientChange } from '../domain/recipient-change';
import { applyScopeOf } from './apply-users';
import { writeCheckpoint, type PreviewCheckpoint } from './checkpoints';
import type { Progress } from './heartbeat';

/** Staged members planned per transaction. */
const PREVIEW_CHUNK = 1000;

export interface PreviewContext {
  db: Db;
  syncRunId: string;
  workspaceId: string;
  group: SyncGroup;
  settings: FieldSetting[];
  /** As applyFieldSettings reads the staged members: null when every member's photo is checked. */
  fingerprint: string | null;
  progress: Progress;
}

/** A sync's count, as the preview's name for it. */
const PREVIEW_NAMES: Partial<Record<keyof SyncCounts, keyof PreviewCounts>> = {
  recipientsCreated: 'wouldCreate',
  recipientsUpdated: 'wouldUpdate',
  recipientsReactivated: 'wouldReactivate',
  recipientsDeactivated: 'wouldDeactivate',
  recipientsDeleted: 'wouldDelete',
  skipped: 'skipped',
};

function previewCounts(counts: Partial<SyncCounts>, removedFromGroup = 0): Partial<PreviewCounts> {
  const out: Partial<PreviewCounts> = { wouldRemoveFromGroup: removedFromGroup };
  for (const [name, n] of Object.entries(counts) as Array<[keyof SyncCounts, number]>) {
    const as = PREVIEW_NAMES[name];
    if (as) out[as] = (out[as] ?? 0) + n;
  }
  return out;
}

/**
 * Plans what a group sync would do with the run's staged members, writing only the planned
 * changes, the run's counts and its own staging (outcomes, as applyFieldSettings leaves them, so
 * the cleanup step knows who would be a member): first the members to apply
 * (domain/plan-user-applies.ts, no photos), then the cleanup cases (domain/plan-cleanup-rows.ts).
 * Each chunk commits with the checkpoint; a retry resumes after it.
 */
export async function planStagedPreview(
  ctx: PreviewContext,
  from: PreviewCheckpoint,
): Promise<PreviewCheckpoint> {
  let cp = from;
  while (!cp.done) {
    ctx.progress.throwIfCancelled();
    const { rows, next, planned } =
      cp.step === 'members' ? await planMembersChunk(ctx, cp.after) : await planCleanupChunk(ctx, cp.after);
    await ctx.db.transaction().execute(async (trx) => {
      await insertChanges(trx, ctx.workspaceId, ctx.syncRunId, planned.changes, { planned: true });
      await setOutcomes(trx, ctx.syncRunId, planned.outcomes);
      await addRunCounts(trx, ctx.syncRunId, planned.counts);
      await writeCheckpoint(trx, ctx.syncRunId, 'planPreview', next);
    });
    cp = next;
    ctx.progress.set({ step: cp.step, after: cp.after, rows });
  }
  return cp;
}

interface PlannedChunk {
  rows: number;
  next: PreviewCheckpoint;
  planned: {
    changes: RecipientChange[];
    outcomes: Array<{ entraUserId: string; recipientId: string | null; outcome: string }>;
    counts: Partial<PreviewCounts>;
  };
}

async function planMembersChunk(ctx: PreviewContext, after: string): Promise<PlannedChunk> {
  const { db, workspaceId, group, settings } = ctx;
  const scope = applyScopeOf(ctx.syncRunId, workspaceId, settings, group);
  const { users, sourceHashes } = await readMembersToApply(
    db,
    { syncRunId: ctx.syncRunId, workspaceId, groupId: group.id, fingerprint: ctx.fingerprint },
    after,
    PREVIEW_CHUNK,
  );
  const byEntra = new Map(
    (
      await loadRecipientsByEntraIds(
        db,
        workspaceId,
        users.map((u) => u.id),
      )
    ).map((r) => [r.entraUserId!, r]),
  );
  const { plans, emails } = planChunkFields(settings, users, byEntra);
  const owners = new Map((await loadRecipientsByEmails(db, workspaceId, emails)).map((r) => [r.id, r]));
  let created = 0;
  const plan = planUserApplies({
    settings,
    skipNewDisabled: scope.skipNewDisabled,
    users,
    plans,
    byEntra,
    owners,
    photos: new Map(),
    sourceHashes,
    // Placeholder ids of recipients that do not exist: a planned creation names no recipient.
    newId: () => `planned-${++created}`,
  });
  const done = users.length < PREVIEW_CHUNK;
  const unborn = (id: string | null) => id !== null && id.startsWith('planned-');
  return {
    rows: users.length,
    next: done
      ? { step: 'cleanup', after: '', done: false }
      : { step: 'members', after: users.at(-1)!.id, done: false },
    planned: {
      changes: plan.changes.map((c) => (unborn(c.recipientId) ? { ...c, recipientId: null } : c)),
      outcomes: plan.outcomes.map((o) => (unborn(o.recipientId) ? { ...o, recipientId: null } : o)),
      counts: previewCounts(plan.counts),
    },
  };
}

async function planCleanupChunk(ctx: PreviewContext, after: string): Promise<PlannedChunk> {
  const { db, workspaceId, group } = ctx;
  const rows = await readCleanupChunk(db, ctx.syncRunId, after, PREVIEW_CHUNK);
  const recipients = new Map(
    (
      await loadRecipientsByEntraIds(
        db,
        workspaceId,
        rows.map((r) => r.entraUserId),
      )
    ).map((r) => [r.entraUserId!, r]),
  );
  const memberOf = await membersOfGroup(
    db,
    group.id,
    [...recipients.values()].map((r) => r.id),
  );
  // A present member the sync would apply becomes a member before cleanup looks at them.
  const memberOutcomes = new Set<string>(MEMBER_OUTCOMES);
  for (const row of rows) {
    const recipient = recipients.get(row.entraUserId);
    if (recipient && row.change === 'present' && row.outcome && memberOutcomes.has(row.outcome))
      memberOf.add(recipient.id);
  }
  const plan = planCleanupRows({
    rows,
    recipients,
    memberOf,
    groupId: group.id,
    optionsOf: () => group.syncOptions,
  });
  return {
    rows: rows.length,
    next: { step: 'cleanup', after: rows.at(-1)?.entraUserId ?? after, done: rows.length < PREVIEW_CHUNK },
    // The staged outcomes stay those of the members' step: nothing after this reads them.
    planned: {
      changes: plan.changes,
      outcomes: [],
      counts: previewCounts(plan.counts, plan.removedFromGroup),
    },
  };
}
