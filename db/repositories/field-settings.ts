import type { Conn, Db } from '../database';
import { effectiveFieldSettings } from '../../domain/field-settings';
import { STANDARD_FIELDS, type FieldSetting } from '../../domain/fields';

/** The workspace's Field Settings in the catalogue's order (standard fields first, then custom). */
export async function listFieldSettings(db: Db, workspaceId: string): Promise<FieldSetting[]> {
  const rows = await db
    .selectFrom('fieldSettings')
    .select(['field', 'source', 'sync', 'overwrite'])
    .where('workspaceId', '=', workspaceId)
    .orderBy('field')
    .execute();
  const rank = (field: string) => {
    const i = (STANDARD_FIELDS as readonly string[]).indexOf(field);
    return i === -1 ? STANDARD_FIELDS.length : i;
  };
  return rows.sort((a, b) => rank(a.field) - rank(b.field) || a.field.localeCompare(b.field));
}

/** PUT semantics: the given list becomes the whole list, in one transaction. */
export async function replaceFieldSettings(
  db: Db,
  workspaceId: string,
  settings: FieldSetting[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('fieldSettings').where('workspaceId', '=', workspaceId).execute();
    if (settings.length > 0) {
      await trx
        .insertInto('fieldSettings')
        .values(
          settings.map((s) => ({
            workspaceId,
            field: s.field,
            source: s.source,
            sync: s.sync,
            overwrite: s.overwrite,
          })),
        )
        .execute();
    }
  });
}

/** The Field Settings a sync applies (the defaults while the workspace has saved none). */
export async function loadSyncFieldSettings(db: Conn, workspaceId: string): Promise<FieldSetting[]> {
  const rows = await db
    .selectFrom('fieldSettings')
    .select(['field', 'source', 'sync', 'overwrite'])
    .where('workspaceId', '=', workspaceId)
    .execute();
  return effectiveFieldSettings(rows);
}
