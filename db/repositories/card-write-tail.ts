import { sql, type RawBuilder } from 'kysely';
import { newSlugKeys } from '../../domain/card-slug';
import type { CardWrite } from '../../domain/plan-card-write';

/**
 * A chunk's card decisions as the JSON records the write statements read (`v`), each new card with
 * its slug key (one draw for the chunk: domain/card-slug.ts).
 */
export function cardWriteRecords(writes: CardWrite[]): string {
  const keys = newSlugKeys(writes.filter((w) => w.kind === 'create').length);
  let drawn = 0;
  return JSON.stringify(
    writes.map((w) => ({
      card_id: w.cardId,
      recipient_id: w.recipientId,
      group_id: w.groupId,
      version: w.version,
      status: w.status,
      content: w.content,
      content_hash: w.contentHash,
      source_key: w.sourceKey,
      kind: w.kind,
      event: w.event,
      slug_key: w.kind === 'create' ? keys[drawn++] : null,
    })),
  );
}

/**
 * The end every card write statement shares, after its `created` and `updated` CTEs (each
 * returning id, slug_key, created_at, updated_at): a version and an event for each card actually
 * written, and how many of each kind. A card event keeps the content as its data and the rest of
 * the card in columns; the feed serves it as GET /v1/cards/:id answers it (api/schemas/events.ts).
 */
export function writtenVersionsAndEvents(
  workspaceId: string,
  syncRunId: string | null,
  groupId: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`
    written as (
      select v.*, w.slug_key as key, w.created_at, w.updated_at from v
      join (select * from created union all select * from updated) w on w.id = v.card_id
    ),
    versions as (
      insert into card_versions (card_id, version, status, content, content_hash, sync_run_id)
      select v.card_id, v.version, v.status, v.content, v.content_hash, ${syncRunId}::uuid from written v
    ),
    events as (
      insert into events (workspace_id, type, card_id, recipient_id, sync_run_id, data,
        group_id, card_version, card_status, content_hash, slug_key, card_created_at)
      select ${workspaceId}::uuid, v.event, v.card_id, v.recipient_id, ${syncRunId}::uuid, v.content,
        ${groupId}, v.version, v.status, v.content_hash, v.key, v.created_at
      from written v
    )
    select kind, count(*)::int as n from written group by kind`;
}
