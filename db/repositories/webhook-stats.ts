import { sql } from 'kysely';
import type { Conn } from '../database';

/** What an operator watches across every workspace: endpoints by status, deliveries still owed. */
export interface WebhookStats {
  endpoints: Array<{ status: string; count: number }>;
  pending: number;
  /** seconds since the oldest pending delivery was created (0 when none is pending) */
  oldestPendingSeconds: number;
}

export async function readWebhookStats(db: Conn): Promise<WebhookStats> {
  const [endpoints, pending] = await Promise.all([
    sql<{ status: string; count: string }>`
      select status, count(*)::text as count from webhook_endpoints group by status`.execute(db),
    sql<{ count: string; oldest: string | null }>`
      select count(*)::text as count, extract(epoch from now() - min(created_at))::text as oldest
      from webhook_deliveries where status = 'pending'`.execute(db),
  ]);
  return {
    endpoints: endpoints.rows.map((r) => ({ status: r.status, count: Number(r.count) })),
    pending: Number(pending.rows[0]?.count ?? 0),
    oldestPendingSeconds: Number(pending.rows[0]?.oldest ?? 0),
  };
}
