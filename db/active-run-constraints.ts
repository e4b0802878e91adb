/**
 * Partial unique indexes (migration 2026_11_27_0003) that allow one unfinished run per group and
 * one unfinished workspace sync per workspace. Inserting a second one fails with a unique
 * violation naming the index: the API answers 409, a Schedule-started run ends as skipped.
 */
export const ONE_ACTIVE_GROUP_RUN = 'sync_runs_one_active_group_run';
export const ONE_ACTIVE_WORKSPACE_RUN = 'sync_runs_one_active_workspace_run';
/** One unfinished preview per group (migration 2026_12_04_1201). */
export const ONE_ACTIVE_PREVIEW = 'sync_runs_one_active_preview';

/** True for Postgres' unique violation (23505), on the given constraint or index when named. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** The insert failed because this group (or workspace) already has an unfinished run. */
export function isActiveRunConflict(err: unknown): boolean {
  return (
    isUniqueViolation(err, ONE_ACTIVE_GROUP_RUN) ||
    isUniqueViolation(err, ONE_ACTIVE_WORKSPACE_RUN) ||
    isUniqueViolation(err, ONE_ACTIVE_PREVIEW)
  );
}
