import { maintenance } from './activity-proxies';
import type { RetentionInput } from '../contracts/workflows';

/**
 * Prunes change history and events older than the retention period; started daily by the
 * `retention-prune` Temporal Schedule (schedules/retention-schedule.ts).
 */
export async function retentionWorkflow(input: RetentionInput): Promise<{ changes: number; events: number }> {
  return maintenance.pruneExpiredHistory({ retentionDays: input.retentionDays });
}
