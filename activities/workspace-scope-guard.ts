import type { Db } from '../db/database';
import { readWorkspaceScope, type ScopedIds } from '../db/repositories/workspace-ownership';
import { notRetryable } from '../engine/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where an activity's input names a sync run; beginSyncRun names the run it begins `id`. */
const RUN_ID_FIELDS: Record<string, string[]> = { beginSyncRun: ['id', 'parentRunId'] };
const DEFAULT_RUN_ID_FIELDS = ['syncRunId', 'parentRunId'];

/** Bookkeeping that records how a run ended: it must work for a disabled workspace too. */
const ENDING_ACTIVITIES = new Set(['finishSyncRun', 'finishWorkspaceRun', 'setSyncRunStatus']);

function idsOf(activity: string, input: Record<string, unknown>): ScopedIds {
  const pick = (fields: string[]) =>
    fields.map((f) => input[f]).filter((v): v is string => typeof v === 'string' && v !== '');
  const children = Array.isArray(input.children) ? (input.children as Array<{ groupId?: unknown }>) : [];
  return {
    syncRunIds: pick(RUN_ID_FIELDS[activity] ?? DEFAULT_RUN_ID_FIELDS),
    groupIds: [
      ...pick(['groupId']),
      ...children.map((c) => c.groupId).filter((v): v is string => typeof v === 'string'),
    ],
    recipientIds: pick(['recipientId']),
  };
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/**
 * Wraps every activity whose input names a workspace: the run, group and recipient ids beside it
 * must be that workspace's, or the activity fails with `invalid_input` before doing anything. A
 * workflow only ever passes ids of one workspace; this stops a bug or a hand-started workflow
 * from writing one workspace's data into another's run. A disabled workspace's syncs (Schedules,
 * runs already going) fail `workspace_disabled` at their next activity, except the bookkeeping
 * that records the ending, within seconds (a passed check stands briefly). One query by primary keys.
 */
export function guardWorkspaceScope<T extends Record<string, AnyActivity>>(db: Db, activities: T): T {
  const checked = new RecentlyChecked();
  const guarded: Record<string, AnyActivity> = {};
  for (const [name, fn] of Object.entries(activities)) {
    guarded[name] = async (...args) => {
      const input = args[0] as unknown;
      if (
        input &&
        typeof input === 'object' &&
        typeof (input as { workspaceId?: unknown }).workspaceId === 'string'
      ) {
        await checkScope(db, name, input as Record<string, unknown> & { workspaceId: string }, checked);
      }
      return fn(...args);
    };
  }
  return guarded as T;
}

async function checkScope(
  db: Db,
  activity: string,
  input: Record<string, unknown> & { workspaceId: string },
  checked: RecentlyChecked,
) {
  const ids = idsOf(activity, input);
  const key = [input.workspaceId, ...ids.syncRunIds, ...ids.groupIds, ...ids.recipientIds].join(' ');
  if (checked.has(key)) return;
  const malformed = [input.workspaceId, ...ids.syncRunIds, ...ids.groupIds, ...ids.recipientIds].find(
    (id) => !UUID.test(id),
  );
  if (malformed !== undefined) {
    throw notRetryable(
      'invalid_input',
      `${activity} was given "${malformed}", which is not an id of this service`,
    );
  }
  const scope = await readWorkspaceScope(db, input.workspaceId, ids);
  if (scope.foreign.length > 0) {
    const named = scope.foreign.map((f) => `${f.kind} ${f.id}`).join(', ');
    throw notRetryable(
      'invalid_input',
      `${activity} was given ${named}, which belongs to another workspace than ${input.workspaceId}; nothing was done`,
    );
  }
  if (scope.disabled && !ENDING_ACTIVITIES.has(activity)) {
    throw notRetryable(
      'workspace_disabled',
      `workspace ${input.workspaceId} is disabled by the operator, so its syncs stop; they run again once it is enabled (PATCH /v1/workspaces/{id} {"disabled": false})`,
    );
  }
  if (!scope.disabled) checked.add(key);
}

/** How long a passed check stands: ids never change workspace, a disabled flag shows within it. */
const CHECK_TTL_MS = 5_000;
const MAX_REMEMBERED = 1_000;

/**
 * Ids found to be the workspace's, a few seconds back: a run's activities follow one another with
 * the same ids, so one query serves the run's bookkeeping and phases alike.
 */
class RecentlyChecked {
  private readonly at = new Map<string, number>();

  has(key: string): boolean {
    const when = this.at.get(key);
    return when !== undefined && Date.now() - when < CHECK_TTL_MS;
  }

  add(key: string): void {
    if (this.at.size >= MAX_REMEMBERED) this.at.clear();
    this.at.set(key, Date.now());
  }
}
