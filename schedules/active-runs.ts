import type { Db } from '../db/database';
import type { ScheduleTarget } from './schedule-action';

/**
 * The unfinished run a new start of this target would collide with, whoever started it: one
 * group run per group and one workspace sync per workspace (partial unique indexes).
 */
export async function findActiveRun(db: Db, target: ScheduleTarget): Promise<{ id: string } | undefined> {
  let query = db
    .selectFrom('syncRuns')
    .select('id')
    .where('workspaceId', '=', target.workspaceId)
    .where('status', 'in', ['running', 'waiting_approval'])
    .where('kind', '=', target.scope);
  if (target.scope === 'group') query = query.where('groupId', '=', target.groupId);
  return query.orderBy('startedAt', 'desc').limit(1).executeTakeFirst();
}
