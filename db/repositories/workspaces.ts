import { sql } from 'kysely';
import type { Db } from '../database';
import type { WorkspaceRow } from '../schema';
import type { FieldSetting } from '../../domain/fields';

/**
 * Creates a workspace with its first API key (hash only) and the given field settings, all or
 * nothing, so a workspace never exists without a way in or without a mapping to sync by.
 */
export async function createWorkspace(
  db: Db,
  input: { name: string; keyHash: string; keyPrefix: string; fieldSettings: FieldSetting[] },
): Promise<{ workspace: WorkspaceRow; apiKeyId: string }> {
  return db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto('workspaces')
      .values({ name: input.name })
      .returningAll()
      .executeTakeFirstOrThrow();
    const key = await trx
      .insertInto('apiKeys')
      .values({ workspaceId: workspace.id, keyHash: input.keyHash, prefix: input.keyPrefix })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (input.fieldSettings.length > 0) {
      await trx
        .insertInto('fieldSettings')
        .values(input.fieldSettings.map((s) => ({ workspaceId: workspace.id, ...s })))
        .execute();
    }
    return { workspace, apiKeyId: key.id };
  });
}

export async function findWorkspace(db: Db, id: string): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Disables (now) or re-enables a workspace; undefined when there is no such workspace. */
export async function setWorkspaceDisabled(
  db: Db,
  id: string,
  disabled: boolean,
): Promise<WorkspaceRow | undefined> {
  return (
    db
      .updateTable('workspaces')
      // Disabling twice keeps the first time it was disabled.
      .set({ disabledAt: disabled ? sql<Date>`coalesce(disabled_at, now())` : null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()
  );
}

/**
 * Deletes a workspace and everything of it: foreign keys and triggers take its recipients, cards,
 * runs and events; the change history, which keeps no key to its workspace (migration 0007), is
 * deleted here. False when there is no such workspace.
 */
export async function deleteWorkspace(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('recipientChanges').where('workspaceId', '=', id).execute();
    await trx.deleteFrom('recipientsEdited').where('workspaceId', '=', id).execute();
    const gone = await trx.deleteFrom('workspaces').where('id', '=', id).executeTakeFirst();
    return Number(gone.numDeletedRows) > 0;
  });
}
