import type { SyncActivities } from '../../activities';
import type { ChildOutcome } from '../../activities/workspace-sync';

/** One call a workflow made to a stubbed activity, in the order the stubs saw them. */
export interface ActivityCall {
  name: keyof SyncActivities;
  input: any;
}

export type ActivityStubs = { [K in keyof SyncActivities]: (input: any) => Promise<unknown> };

export interface StubbedActivities {
  /** What the worker registers. */
  activities: ActivityStubs;
  calls: ActivityCall[];
  /** The inputs of every call to one activity. */
  inputsOf(name: keyof SyncActivities): any[];
  /** Activity names in call order, to compare a run's path with the expected one. */
  names(): Array<keyof SyncActivities>;
}

const COUNTS = { membersFetched: 3, recipientsCreated: 3 };

/**
 * Every activity as a plain function answering like a healthy run of a small group: a group
 * sync reads fully (or by delta when not asked for full), nothing crosses the deletion
 * threshold, and a workspace links `groupIds`. Overrides replace single activities; every call
 * is recorded either way, so a test can assert the path a workflow took.
 */
export function stubActivities(
  overrides: Partial<ActivityStubs> = {},
  opts: { groupIds?: string[] } = {},
): StubbedActivities {
  const calls: ActivityCall[] = [];
  const defaults: ActivityStubs = {
    beginSyncRun: async (input: { groupId: string | null }) => ({
      started: true,
      groupName: input.groupId ? `Group ${input.groupId.slice(0, 8)}` : null,
    }),
    setSyncRunStatus: async () => undefined,
    pruneExpiredHistory: async () => ({ changes: 0, events: 0, deliveries: 0 }),
    finishSyncRun: async () => ({ counts: COUNTS }),
    chooseSyncType: async (input: { full: boolean }) =>
      input.full
        ? { syncType: 'full', reason: 'requested', basis: 'basis-1' }
        : { syncType: 'delta', reason: 'changes_since_last_sync', basis: 'basis-1' },
    fetchMembers: async () => ({ counts: { membersFetched: 3 }, groupName: 'Sales' }),
    fetchDeltaChanges: async () => ({ counts: { membersFetched: 1 }, fellBack: false, groupName: 'Sales' }),
    planCleanUp: async () => ({
      counts: { membersFetched: 3 },
      wouldRemove: 0,
      memberCount: 3,
      exceedsThreshold: false,
      reason: 'nothing to remove',
    }),
    applyFieldSettings: async () => ({ counts: COUNTS }),
    cleanUpUsers: async () => ({ counts: COUNTS }),
    updateCards: async () => ({ counts: { ...COUNTS, cardsUpdated: 3 } }),
    fetchRecipientUser: async () => ({ counts: { membersFetched: 1 }, found: true, accountEnabled: true }),
    fetchUsersByIds: async () => ({ counts: { membersFetched: 2 } }),
    planPreview: async () => ({
      counts: {
        wouldCreate: 2,
        wouldUpdate: 1,
        wouldReactivate: 0,
        wouldDeactivate: 1,
        wouldDelete: 0,
        wouldRemoveFromGroup: 0,
        skipped: 0,
      },
    }),
    beginWorkspaceRun: async () => ({ started: true }),
    listLinkedGroupIds: async () => opts.groupIds ?? [],
    finishWorkspaceRun: async (input: { syncRunId: string; children: ChildOutcome[]; canceled: boolean }) =>
      workspaceSummary(input),
  };
  const activities = {} as ActivityStubs;
  for (const name of Object.keys(defaults) as Array<keyof SyncActivities>) {
    const impl = overrides[name] ?? defaults[name];
    activities[name] = (input: unknown) => {
      calls.push({ name, input });
      return impl(input);
    };
  }
  return {
    activities,
    calls,
    inputsOf: (name) => calls.filter((c) => c.name === name).map((c) => c.input),
    names: () => calls.map((c) => c.name),
  };
}

/** What finishWorkspaceRun answers, from the outcomes alone (the real one also reads the child runs). */
function workspaceSummary(input: { syncRunId: string; children: ChildOutcome[]; canceled: boolean }) {
  const count = (outcome: ChildOutcome['outcome']) =>
    input.children.filter((c) => c.outcome === outcome).length;
  const failedGroups = input.children
    .filter((c) => c.outcome === 'failed')
    .map((c) => ({ groupId: c.groupId, message: c.message ?? '' }));
  return {
    syncRunId: input.syncRunId,
    status: input.canceled ? 'canceled' : failedGroups.length ? 'failed' : 'completed',
    counts: COUNTS,
    groups: {
      total: input.children.length,
      completed: count('completed'),
      failed: count('failed'),
      canceled: count('canceled'),
      skipped: count('already_running'),
    },
    skippedGroups: [],
    failedGroups,
  };
}
