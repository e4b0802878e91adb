import { sql } from 'kysely';
import type { RecipientChange } from '../../domain/recipient-change';
import type { Conn } from '../database';

/**
 * The changes a run only plans (a preview), in one statement: marked `planned`, so they are listed
 * with the run (`/v1/sync-runs/{id}/changes`) and never in a recipient's history.
 */
export async function insertPlannedChanges(
  db: Conn,
  workspaceId: string,
  syncRunId: string,
  rows: RecipientChange[],
): Promise<void> {
  if (!rows.length) return;
  const records = rows.map((r) => ({
    recipient_id: r.recipientId,
    entra_user_id: r.entraUserId,
    action: r.action,
    field: r.field,
    old_value: r.oldValue,
    new_value: r.newValue,
    reason: r.reason,
  }));
  await sql`
    insert into recipient_changes (workspace_id, sync_run_id, recipient_id, entra_user_id, action, field, old_value, new_value, reason, source, planned)
    select ${workspaceId}::uuid, ${syncRunId}::uuid, v.recipient_id, v.entra_user_id, v.action, v.field, v.old_value, v.new_value, v.reason, 'sync', true
    from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
      as v(recipient_id uuid, entra_user_id text, action text, field text, old_value text, new_value text, reason text)`.execute(
    db,
  );
}
