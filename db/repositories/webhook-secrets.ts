import { sql } from 'kysely';
import type { Conn } from '../database';

/** A sealed webhook signing secret: the endpoint's current one, or the one a rotation replaced. */
export interface SealedWebhookSecret {
  endpointId: string;
  workspaceId: string;
  slot: 'current' | 'previous';
  sealed: string;
}

export async function listSealedWebhookSecrets(db: Conn): Promise<SealedWebhookSecret[]> {
  const { rows } = await sql<SealedWebhookSecret>`
    select id as endpoint_id, workspace_id, 'current' as slot, secret_encrypted as sealed from webhook_endpoints
    union all
    select id, workspace_id, 'previous', previous_secret_encrypted from webhook_endpoints
    where previous_secret_encrypted is not null
    order by endpoint_id, slot`.execute(db);
  return rows;
}

/**
 * Replaces sealed webhook secrets, one statement per slot (an endpoint may change in both); a slot
 * changes only if it still holds `before` (a rotation meanwhile wins). Returns the slots changed.
 */
export async function replaceSealedWebhookSecrets(
  db: Conn,
  changes: Array<{ endpointId: string; slot: 'current' | 'previous'; before: string; after: string }>,
): Promise<number> {
  let changed = 0;
  for (const slot of ['current', 'previous'] as const) {
    const these = changes.filter((c) => c.slot === slot);
    if (!these.length) continue;
    const column = sql.raw(slot === 'current' ? 'secret_encrypted' : 'previous_secret_encrypted');
    const result = await sql`
      update webhook_endpoints as e set ${column} = v.after
      from unnest(${these.map((c) => c.endpointId)}::uuid[], ${these.map((c) => c.before)}::text[],
        ${these.map((c) => c.after)}::text[]) as v(endpoint_id, before, after)
      where e.id = v.endpoint_id and e.${column} = v.before`.execute(db);
    changed += Number(result.numAffectedRows ?? 0);
  }
  return changed;
}
