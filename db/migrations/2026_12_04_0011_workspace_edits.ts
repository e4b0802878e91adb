import { Kysely, sql } from 'kysely';

/**
 * What a delta sync needs to apply workspace-side changes it would otherwise not see. Frozen in time.
 * - `recipients_edited`: Entra-linked recipients changed outside the sync since they were last
 *   applied (a manual edit, a lock removed, a status set by hand). The trigger that already clears
 *   `entra_source_hash` on such an update records the recipient here too, so a delta run reads
 *   those members again by id; rows of recipients applied since are dropped by that read.
 * - `sync_runs.member_count`: the group's size when a group run completed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table recipients_edited (
      recipient_id uuid primary key,
      workspace_id uuid not null,
      edited_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index recipients_edited_workspace on recipients_edited (workspace_id)`.execute(db);
  await sql`
    create or replace function recipients_clear_entra_source_hash() returns trigger language plpgsql as $$
    begin
      new.entra_source_hash := null;
      if new.entra_user_id is not null then
        insert into recipients_edited (recipient_id, workspace_id) values (new.id, new.workspace_id)
        on conflict (recipient_id) do nothing;
      end if;
      return new;
    end $$`.execute(db);
  await db.schema.alterTable('sync_runs').addColumn('member_count', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('member_count').execute();
  await sql`
    create or replace function recipients_clear_entra_source_hash() returns trigger language plpgsql as $$
    begin
      new.entra_source_hash := null;
      return new;
    end $$`.execute(db);
  await sql`drop table recipients_edited`.execute(db);
}
