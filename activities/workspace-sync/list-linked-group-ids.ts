import type { ActivityDeps } from '../../engine/deps';

/**
 * Ids of every group the workspace links, in id order. Ids only (36 bytes each): they travel
 * through workflow history, which grows with the number of groups, never with members.
 */
export function createListLinkedGroupIdsActivity({ db }: ActivityDeps) {
  return async function listLinkedGroupIds(input: { workspaceId: string }): Promise<string[]> {
    const rows = await db
      .selectFrom('groups')
      .select('id')
      .where('workspaceId', '=', input.workspaceId)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  };
}
