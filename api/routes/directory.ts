import { keyRingOf } from '../../config/secret-box';
import { createHmac } from 'node:crypto';
import { linkedGroupIds } from '../../db/repositories/groups';
import { recipientIdsByEntraId } from '../../db/repositories/recipients';
import type { ApiContext } from '../context';
import { callEntra, prop, requireConnection, type GraphObject } from '../entra';
import { decodeSignedCursor, encodeSignedCursor } from '../http/pagination';
import { HttpProblem } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { Problem } from '../schemas/common';
import {
  DirectoryGroupPage,
  DirectoryQuery,
  DirectoryUserPage,
  type DirectoryGroup,
  type DirectoryUser,
} from '../schemas/directory';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Directory preview, to choose what to import. The cursor wraps Graph's @odata.nextLink, signed
 * and bound to the workspace: the server follows it with the workspace's token, so a client must
 * not be able to point it at another host.
 */
export function directoryRoutes(ctx: ApiContext): AnyRoute[] {
  // signed with the ring's newest key: a rotation ends open cursors, which only start a list again
  const cursorKey = createHmac('sha256', keyRingOf(ctx.config.encryptionKey).keys[0]!.key)
    .update('directory-cursor')
    .digest();
  const wrap = (workspaceId: string, nextLink: string | null | undefined) =>
    nextLink ? encodeSignedCursor(`${workspaceId} ${nextLink}`, cursorKey) : null;
  const unwrap = (workspaceId: string, cursor: string | undefined) => {
    const value = decodeSignedCursor(cursor, cursorKey);
    if (value === undefined) return undefined;
    if (!value.startsWith(`${workspaceId} `)) {
      throw new HttpProblem(400, 'cursor belongs to another list; start again without it', {
        errors: [{ path: 'query.cursor', message: 'not a valid cursor' }],
      });
    }
    return value.slice(workspaceId.length + 1);
  };
  const errors = {
    409: { description: 'no Entra connection set', schema: Problem },
    422: { description: 'Entra rejected the credentials or a permission is missing', schema: Problem },
    502: { description: 'Graph failed', schema: Problem },
  };

  return [
    defineRoute({
      method: 'get',
      path: '/v1/directory/users',
      operationId: 'searchDirectoryUsers',
      summary: 'Search users in the Entra directory (paged)',
      tag: 'directory',
      auth: 'workspace',
      query: DirectoryQuery,
      responses: { 200: { description: 'a page of users', schema: DirectoryUserPage }, ...errors },
      async handler({ workspaceId, query }) {
        const nextLink = unwrap(workspaceId, query.cursor);
        const conn = await requireConnection(ctx.db, workspaceId, ctx.config.encryptionKey);
        const client = ctx.entraClientFor(conn, { onRequest: ctx.metrics.graphRequest });
        const page = await callEntra(() =>
          client.searchUsers({ search: query.search, top: query.limit, nextLink }),
        );
        const known = await recipientIdsByEntraId(
          ctx.db,
          workspaceId,
          page.items.map((u) => u.id),
        );
        const items: DirectoryUser[] = page.items.map((u: GraphObject) => ({
          id: u.id,
          displayName: str(prop(u, 'displayName')),
          mail: str(prop(u, 'mail')),
          userPrincipalName: str(prop(u, 'userPrincipalName')),
          jobTitle: str(prop(u, 'jobTitle')),
          department: str(prop(u, 'department')),
          accountEnabled:
            typeof prop(u, 'accountEnabled') === 'boolean' ? (prop(u, 'accountEnabled') as boolean) : null,
          userType: str(prop(u, 'userType')),
          recipientId: known.get(u.id) ?? null,
        }));
        return reply(200, { items, nextCursor: wrap(workspaceId, page.nextLink) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/directory/groups',
      operationId: 'searchDirectoryGroups',
      summary: 'Search groups in the Entra directory (paged)',
      tag: 'directory',
      auth: 'workspace',
      query: DirectoryQuery,
      responses: { 200: { description: 'a page of groups', schema: DirectoryGroupPage }, ...errors },
      async handler({ workspaceId, query }) {
        const nextLink = unwrap(workspaceId, query.cursor);
        const conn = await requireConnection(ctx.db, workspaceId, ctx.config.encryptionKey);
        const client = ctx.entraClientFor(conn, { onRequest: ctx.metrics.graphRequest });
        const page = await callEntra(() =>
          client.searchGroups({ search: query.search, top: query.limit, nextLink }),
        );
        const linked = await linkedGroupIds(
          ctx.db,
          workspaceId,
          page.items.map((g) => g.id),
        );
        const items: DirectoryGroup[] = page.items.map((g: GraphObject) => ({
          id: g.id,
          displayName: str(prop(g, 'displayName')),
          description: str(prop(g, 'description')),
          mail: str(prop(g, 'mail')),
          groupId: linked.get(g.id) ?? null,
        }));
        return reply(200, { items, nextCursor: wrap(workspaceId, page.nextLink) });
      },
    }),
  ];
}
