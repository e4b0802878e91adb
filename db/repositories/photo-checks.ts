import { sql } from 'kysely';
import type { Conn } from '../database';

/** A member's photo metadata as read: whether Entra has a photo, and its etag. */
export interface PhotoCheck {
  entraUserId: string;
  hasPhoto: boolean;
  mediaEtag: string | null;
}

/** Records photo metadata read ahead for a run (engine/photo-checks-ahead.ts). */
export async function recordPhotoChecks(db: Conn, syncRunId: string, rows: PhotoCheck[]): Promise<void> {
  if (!rows.length) return;
  await sql`
    insert into sync_photo_checks (sync_run_id, entra_user_id, has_photo, media_etag)
    select ${syncRunId}::uuid, v.id, v.has, v.etag
      from unnest(${rows.map((r) => r.entraUserId)}::text[], ${rows.map((r) => r.hasPhoto)}::boolean[],
                  ${rows.map((r) => r.mediaEtag)}::text[]) as v(id, has, etag)
    on conflict (sync_run_id, entra_user_id) do update
      set has_photo = excluded.has_photo, media_etag = excluded.media_etag`.execute(db);
}

/** The photo metadata the run read ahead for these members; members not read ahead are absent. */
export async function readPhotoChecks(
  db: Conn,
  syncRunId: string,
  entraUserIds: string[],
): Promise<Map<string, PhotoCheck>> {
  if (!entraUserIds.length) return new Map();
  const rows = await db
    .selectFrom('syncPhotoChecks')
    .select(['entraUserId', 'hasPhoto', 'mediaEtag'])
    .where('syncRunId', '=', syncRunId)
    .where(sql<boolean>`entra_user_id = any(${entraUserIds}::text[])`)
    .execute();
  return new Map(rows.map((r) => [r.entraUserId, r]));
}
