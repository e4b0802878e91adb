import { readCollection, type Collection } from './collection-stream';
import { EntraError } from './errors';
import type { GraphHttp } from './graph-http';
import { requireGroupId, searchExpression, topParam, userSelect } from './odata';
import { GROUP_MEMBER_READ_ALL } from './permissions';
import type { GraphGroup, GraphUser, Page } from './types';

const groupNotFound = (groupId: string, tenantId: string) => () =>
  new EntraError('group_not_found',
    `Group ${groupId} was not found in tenant ${tenantId}: it may have been deleted in Entra ID; link another group or unlink this one.`); // prettier-ignore

const toGroup = (raw: Record<string, unknown>): GraphGroup => ({
  id: String(raw.id),
  displayName: (raw.displayName as string | null | undefined) ?? null,
  description: (raw.description as string | null | undefined) ?? null,
});

export function createGroupReads(http: GraphHttp, tenantId: string) {
  return {
    async getGroup(groupId: string): Promise<GraphGroup> {
      requireGroupId(groupId, tenantId);
      const raw = await http.json<Record<string, unknown>>({
        pathOrUrl: `/groups/${groupId}?$select=id,displayName,description`,
        describe: {
          what: `read group ${groupId}`,
          permissions: [GROUP_MEMBER_READ_ALL],
          notFound: groupNotFound(groupId, tenantId),
        },
      });
      return toGroup(raw);
    },

    /**
     * One page (up to 999) of the users among a group's members, cast to microsoft.graph.user so
     * devices, contacts, service principals and nested groups never come back. The nextLink is
     * followed verbatim; if it has expired this throws `skiptoken_expired` and the caller restarts
     * from the first page (without a nextLink). `onNextLink` hears of the next link while the
     * rest of the page is still arriving (collection-stream.ts).
     */
    async listGroupUsers(args: {
      groupId: string;
      transitive: boolean;
      select: string[];
      nextLink?: string | null;
      onNextLink?: (link: string) => void;
    }): Promise<Page<GraphUser>> {
      requireGroupId(args.groupId, tenantId);
      const relation = args.transitive ? 'transitiveMembers' : 'members';
      // Graph serves an OData cast on transitive members only as an "advanced query"
      const advanced = args.transitive ? '&$count=true' : '';
      const response = await http.send({
        pathOrUrl:
          args.nextLink ??
          `/groups/${args.groupId}/${relation}/microsoft.graph.user?$select=${userSelect(args.select)}&$top=999${advanced}`,
        headers: args.transitive ? { ConsistencyLevel: 'eventual' } : undefined,
        describe: {
          what: `read the ${args.transitive ? 'transitive ' : ''}members of group ${args.groupId}`,
          permissions: [GROUP_MEMBER_READ_ALL],
          notFound: groupNotFound(args.groupId, tenantId),
        },
      });
      const page = await readCollection<GraphUser>(
        response,
        args.onNextLink ?? (() => undefined),
        http.limits.maxPageBytes,
      );
      return { items: page.value, nextLink: page['@odata.nextLink'] ?? null };
    },

    /** Directory preview: groups whose name or description matches (all groups without a term). */
    async searchGroups(args: {
      search?: string;
      top?: number;
      nextLink?: string | null;
    }): Promise<Page<GraphGroup>> {
      const term = args.search?.trim();
      const query = `$select=id,displayName,description&$top=${topParam(args.top, 25)}&$count=true`;
      const page = await http.json<Collection<Record<string, unknown>>>({
        pathOrUrl:
          args.nextLink ??
          `/groups?${query}${term ? `&$search=${searchExpression(['displayName', 'description'], term)}` : ''}`,
        headers: { ConsistencyLevel: 'eventual' },
        describe: { what: 'search the directory for groups', permissions: [GROUP_MEMBER_READ_ALL] },
      });
      return { items: page.value.map(toGroup), nextLink: page['@odata.nextLink'] ?? null };
    },
  };
}
