import { Kysely, sql } from 'kysely';

/**
 * What lets a full re-sync skip the members and cards nothing happened to. Frozen in time.
 * - `recipients.entra_source_hash`: the hash of the staged Graph user and the Field Settings the
 *   recipient was last applied from. A trigger clears it on any update that does not set a new
 *   one (a manual edit, a lock, a status change), so such a recipient is applied again in full.
 * - `recipients.render_key`: a stored hash of the fields a card shows, kept by Postgres itself.
 * - `cards.source_key`: what the card was last rendered from (the recipient's render key, photo,
 *   group template); a card whose key still matches needs no rendering.
 * - `sync_staged_members.source_hash`: the staged user's hash under the run's Field Settings,
 *   computed while staging (when the run waits on Graph anyway).
 * - `sync_card_queue`: the recipients whose cards a run reconciles, found in one pass. No foreign
 *   key: it is cleared with the run's staged members, and a per-row check would cost more than the
 *   queue saves.
 */
/** The recipient's text columns as of this migration (sync/apply-field-settings.ts PROFILE_COLUMNS). */
const PROFILE_COLUMNS_AT_0006 = [
  'email',
  'first_name',
  'last_name',
  'display_name',
  'job_title',
  'department',
  'company_name',
  'office_location',
  'mobile_phone',
  'business_phone',
  'employee_id',
  'street_address',
  'city',
  'state',
  'postal_code',
  'country',
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('recipients').addColumn('entra_source_hash', 'text').execute();
  await sql`
    create function recipients_clear_entra_source_hash() returns trigger language plpgsql as $$
    begin
      new.entra_source_hash := null;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger recipients_clear_entra_source_hash before update on recipients
    for each row when (old.entra_source_hash is not null and new.entra_source_hash is not distinct from old.entra_source_hash)
    execute function recipients_clear_entra_source_hash()`.execute(db);
  const renderInputs = [
    ...PROFILE_COLUMNS_AT_0006.map((c) => `quote_nullable(${c})`),
    `coalesce(custom_fields::text, 'null')`,
  ];
  await sql`alter table recipients add column render_key text generated always as (md5(${sql.raw(
    renderInputs.join(" || ',' || "),
  )})) stored`.execute(db);
  await db.schema.alterTable('cards').addColumn('source_key', 'text').execute();
  await db.schema.alterTable('sync_staged_members').addColumn('source_hash', 'text').execute();
  await db.schema
    .createTable('sync_card_queue')
    .addColumn('sync_run_id', 'uuid', (c) => c.notNull())
    .addColumn('recipient_id', 'uuid', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_card_queue_pk', ['sync_run_id', 'recipient_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sync_card_queue').ifExists().execute();
  await db.schema.alterTable('sync_staged_members').dropColumn('source_hash').execute();
  await db.schema.alterTable('cards').dropColumn('source_key').execute();
  await db.schema.alterTable('recipients').dropColumn('render_key').execute();
  await sql`drop trigger if exists recipients_clear_entra_source_hash on recipients`.execute(db);
  await sql`drop function if exists recipients_clear_entra_source_hash()`.execute(db);
  await db.schema.alterTable('recipients').dropColumn('entra_source_hash').execute();
}
