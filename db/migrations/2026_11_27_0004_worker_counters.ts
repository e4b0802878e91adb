import { Kysely, sql } from 'kysely';

/** Counters the worker process reports (Graph requests, throttling, activity retries) for the API's /metrics. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('worker_counters')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('worker_counters_pk', ['name', 'labels'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('worker_counters').execute();
}
