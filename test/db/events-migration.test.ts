import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useMigrationDatabase } from './migration-database';

const EVENTS = '2026_12_04_2001_events';

/** Migration 2026_12_04_2001 on a database of its own, with an outbox row written the old way. */
describe('migration 2026_12_04_2001_events', () => {
  const m = useMigrationDatabase('events_migration');

  it('when it runs over cards and outbox rows, then they become events with slugs, deletes keep events, and down brings the outbox table back', async () => {
    expect((await m.migrator('2026_11_28_0010_update_in_place').migrateToLatest()).error).toBeUndefined();
    const ws = randomUUID();
    const card = randomUUID();
    const recipient = randomUUID();
    const group = randomUUID();
    await sql`insert into workspaces (id, name) values (${ws}, 'w')`.execute(m.db);
    await sql`insert into groups (id, workspace_id, entra_group_id, name, sync_options, card_template)
      values (${group}, ${ws}, ${randomUUID()}, 'g', '{}', '{}')`.execute(m.db);
    await sql`insert into recipients (id, workspace_id, email) values (${recipient}, ${ws}, 'a@example.com')`.execute(
      m.db,
    );
    await sql`insert into cards (id, workspace_id, recipient_id, group_id, version, content, content_hash)
      values (${card}, ${ws}, ${recipient}, ${group}, 1, '{"recipient":{}}', 'h1')`.execute(m.db);
    await sql`insert into card_versions (card_id, version, status, content, content_hash) values (${card}, 1, 'active', '{"recipient":{}}', 'h1')`.execute(
      m.db,
    );
    await sql`insert into card_events (workspace_id, card_id, version, type, content) values (${ws}, ${card}, 1, 'card.created', '{"recipient":{}}')`.execute(
      m.db,
    );

    expect((await m.migrator(EVENTS).migrateToLatest()).error).toBeUndefined();
    const { rows: events } = await sql<Record<string, unknown>>`
      select type, card_id as "cardId", data, card_version as version, card_status as status,
        content_hash as "contentHash", group_id as "groupId" from events`.execute(m.db);
    expect(events).toEqual([
      {
        type: 'card.created',
        cardId: card,
        data: { recipient: {} },
        version: 1,
        status: 'active',
        contentHash: 'h1',
        groupId: group,
      },
    ]);
    const { rows: keys } = await sql<{ n: number }>`select length(slug_key) as n from cards`.execute(m.db);
    expect(keys).toEqual([{ n: 32 }]);

    await sql`delete from groups where id = ${group}`.execute(m.db);
    expect((await sql`select 1 from events`.execute(m.db)).rows).toHaveLength(1);
    const { rows: retired } = await sql<{ slug: string }>`select slug from retired_card_slugs`.execute(m.db);
    expect(retired).toEqual([{ slug: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/) }]);
    expect(Buffer.from(retired[0]!.slug, 'base64url').subarray(0, 16).toString('hex')).toBe(
      card.replace(/-/g, ''),
    );

    expect((await m.migrator(EVENTS).migrateDown()).error).toBeUndefined();
    expect((await sql`select 1 from card_events`.execute(m.db)).rows).toHaveLength(0);
    expect((await m.migrator(EVENTS).migrateToLatest()).error).toBeUndefined();
  });
});
