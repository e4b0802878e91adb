import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { RETENTION_SCHEDULE_ID, type RetentionInput } from '../contracts/workflows';

/**
 * Makes sure the daily retention Schedule exists and carries the current RETENTION_DAYS: created
 * on the api's first start, updated on later ones (every api process may call it; the last wins).
 */
export async function ensureRetentionSchedule(
  client: Client,
  opts: { taskQueue: string; retentionDays: number },
): Promise<void> {
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'retentionWorkflow',
    taskQueue: opts.taskQueue,
    args: [{ retentionDays: opts.retentionDays } satisfies RetentionInput],
  };
  try {
    await client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      spec: { calendars: [{ hour: 3, minute: 17, comment: 'daily, at night UTC' }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RETENTION_SCHEDULE_ID).update((previous) => ({ ...previous, action }));
  }
}
