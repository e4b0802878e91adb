import { sql, type RawBuilder } from 'kysely';
import { DEFAULT_CARD_TEMPLATE, type CardTemplate } from '../../domain/card';
import type { Conn } from '../database';

/**
 * SQL for the template of a workspace's own cards (those of no group), as one row with
 * `card_template` and `template_key` (the same key as card-source-key.ts TEMPLATE_KEY gives a
 * group): the stored one, or the built-in default while the workspace has not chosen one.
 */
export function workspaceTemplateRow(workspaceId: string): RawBuilder<unknown> {
  return sql`(select t as card_template, md5(t::text) as template_key from (
    select coalesce(card_template, ${JSON.stringify(DEFAULT_CARD_TEMPLATE)}::jsonb) as t
    from workspaces where id = ${workspaceId}::uuid) w)`;
}

/** The workspace cards' template: the stored one, or DEFAULT_CARD_TEMPLATE. */
export async function getWorkspaceCardTemplate(db: Conn, workspaceId: string): Promise<CardTemplate> {
  const row = await db
    .selectFrom('workspaces')
    .select('cardTemplate')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row?.cardTemplate ?? DEFAULT_CARD_TEMPLATE;
}

/** Stores the workspace cards' template. */
export async function setWorkspaceCardTemplate(
  db: Conn,
  workspaceId: string,
  template: CardTemplate,
): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({ cardTemplate: JSON.stringify(template) })
    .where('id', '=', workspaceId)
    .execute();
}
