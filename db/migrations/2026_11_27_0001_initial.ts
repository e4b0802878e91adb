import { Kysely, sql } from 'kysely';

/** The whole data model of the first release. Frozen: later changes get their own migration. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pgcrypto`.execute(db);

  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('entra_connections')
    .addColumn('workspace_id', 'uuid', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret_encrypted', 'text', (c) => c.notNull())
    .addColumn('authority_host', 'text', (c) => c.notNull())
    .addColumn('graph_base_url', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('field_settings')
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('sync', 'boolean', (c) => c.notNull())
    .addColumn('overwrite', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('field_settings_pk', ['workspace_id', 'field'])
    .execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('entra_group_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('sync_options', 'jsonb', (c) => c.notNull())
    .addColumn('card_template', 'jsonb', (c) => c.notNull())
    .addColumn('members_delta_link', 'text')
    .addColumn('users_delta_link', 'text')
    .addColumn('last_full_sync_at', 'timestamptz')
    .addColumn('last_synced_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('groups_workspace_entra_unique', ['workspace_id', 'entra_group_id'])
    .execute();

  await db.schema
    .createTable('recipients')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('entra_user_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('status_reason', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('display_name', 'text')
    .addColumn('job_title', 'text')
    .addColumn('department', 'text')
    .addColumn('company_name', 'text')
    .addColumn('office_location', 'text')
    .addColumn('mobile_phone', 'text')
    .addColumn('business_phone', 'text')
    .addColumn('employee_id', 'text')
    .addColumn('street_address', 'text')
    .addColumn('city', 'text')
    .addColumn('state', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('country', 'text')
    .addColumn('photo_hash', 'text')
    .addColumn('custom_fields', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('locked_fields', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('account_enabled', 'boolean')
    .addColumn('user_type', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('recipients_status_check', sql`status in ('active', 'deactivated', 'deleted')`)
    .execute();
  await sql`create unique index recipients_workspace_entra_user on recipients (workspace_id, entra_user_id) where entra_user_id is not null`.execute(
    db,
  );
  await sql`create unique index recipients_workspace_email on recipients (workspace_id, lower(email))`.execute(
    db,
  );
  await sql`create index recipients_workspace_id_page on recipients (workspace_id, id)`.execute(db);

  await db.schema
    .createTable('recipient_photos')
    .addColumn('recipient_id', 'uuid', (c) => c.primaryKey().references('recipients.id').onDelete('cascade'))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('group_memberships')
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('recipient_id', 'uuid', (c) => c.notNull().references('recipients.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('group_memberships_pk', ['group_id', 'recipient_id'])
    .execute();
  await db.schema
    .createIndex('group_memberships_recipient')
    .on('group_memberships')
    .column('recipient_id')
    .execute();

  await db.schema
    .createTable('cards')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('recipient_id', 'uuid', (c) => c.notNull().references('recipients.id').onDelete('cascade'))
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('cards_recipient_group_unique', ['recipient_id', 'group_id'])
    .addCheckConstraint('cards_status_check', sql`status in ('active', 'deactivated')`)
    .execute();
  await db.schema.createIndex('cards_group').on('cards').columns(['group_id', 'recipient_id']).execute();

  await db.schema
    .createTable('card_versions')
    .addColumn('card_id', 'uuid', (c) => c.notNull().references('cards.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('sync_run_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('card_versions_pk', ['card_id', 'version'])
    .execute();

  // The outbox: a later delivery mechanism reads it in id order. One event per card version.
  await db.schema
    .createTable('card_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('card_id', 'uuid', (c) => c.notNull().references('cards.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('sync_run_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addUniqueConstraint('card_events_card_version_unique', ['card_id', 'version'])
    .addCheckConstraint(
      'card_events_type_check',
      sql`type in ('card.created', 'card.updated', 'card.deactivated')`,
    )
    .execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mode', 'text')
    .addColumn('sync_type', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running'))
    .addColumn('phase', 'text', (c) => c.notNull().defaultTo('starting'))
    .addColumn('group_id', 'uuid', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('recipient_id', 'uuid', (c) => c.references('recipients.id').onDelete('set null'))
    .addColumn('parent_run_id', 'uuid', (c) => c.references('sync_runs.id').onDelete('set null'))
    .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('checkpoint', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('error', 'jsonb')
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('temporal_run_id', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addCheckConstraint(
      'sync_runs_status_check',
      sql`status in ('running', 'waiting_approval', 'completed', 'failed', 'canceled')`,
    )
    .execute();
  await db.schema
    .createIndex('sync_runs_workspace_page')
    .on('sync_runs')
    .columns(['workspace_id', 'started_at', 'id'])
    .execute();
  await db.schema
    .createIndex('sync_runs_group')
    .on('sync_runs')
    .columns(['group_id', 'started_at'])
    .execute();

  // Members of one run, staged page by page so member lists never travel through workflow history.
  await db.schema
    .createTable('sync_staged_members')
    .addColumn('sync_run_id', 'uuid', (c) => c.notNull().references('sync_runs.id').onDelete('cascade'))
    .addColumn('entra_user_id', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull().defaultTo('present'))
    .addColumn('data', 'jsonb')
    .addColumn('recipient_id', 'uuid')
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('sync_staged_members_pk', ['sync_run_id', 'entra_user_id'])
    .execute();

  await db.schema
    .createTable('recipient_changes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('sync_run_id', 'uuid', (c) => c.references('sync_runs.id').onDelete('cascade'))
    .addColumn('recipient_id', 'uuid', (c) => c.references('recipients.id').onDelete('set null'))
    .addColumn('entra_user_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('reason', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('recipient_changes_run')
    .on('recipient_changes')
    .columns(['sync_run_id', 'id'])
    .execute();
  await db.schema
    .createIndex('recipient_changes_recipient')
    .on('recipient_changes')
    .columns(['recipient_id', 'id'])
    .execute();

  await db.schema
    .createTable('schedules')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('group_id', 'uuid', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('temporal_schedule_id', 'text', (c) => c.notNull().unique())
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'schedules',
    'recipient_changes',
    'sync_staged_members',
    'sync_runs',
    'card_events',
    'card_versions',
    'cards',
    'group_memberships',
    'recipient_photos',
    'recipients',
    'groups',
    'field_settings',
    'entra_connections',
    'api_keys',
    'workspaces',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
