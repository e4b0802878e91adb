import type { GraphHttp } from './graph-http';
import { requireGroupId, userSelect } from './odata';
import { GROUP_MEMBER_READ_ALL, USER_READ_ALL } from './permissions';
import type { GraphUser } from './types';

interface DeltaPage<T> {
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

interface DirectoryObjectRef {
  '@odata.type'?: string;
  id: string;
  '@removed'?: { reason?: string };
}

const USER_TYPE = '#microsoft.graph.user';

/**
 * Delta queries. `link` is whatever the previous page returned: a nextLink (more pages in this round)
 * or a deltaLink (start of the next round); null starts an initial round that reports the current
 * state. A link Graph no longer knows throws `delta_token_expired`: drop it and run a full sync.
 */
export function createDeltaReads(http: GraphHttp, tenantId: string) {
  return {
    /** groups/delta for one group: user members added and removed ("members@delta"). Other member kinds are ignored. */
    async groupMembersDelta(args: { groupId: string; link?: string | null }) {
      requireGroupId(args.groupId, tenantId);
      const filter = encodeURIComponent(`id eq '${args.groupId}'`);
      const page = await http.json<DeltaPage<{ id: string; 'members@delta'?: DirectoryObjectRef[] }>>({
        pathOrUrl: args.link ?? `/groups/delta?$filter=${filter}&$select=members`,
        describe: {
          what: `track membership changes of group ${args.groupId}`,
          permissions: [GROUP_MEMBER_READ_ALL],
        },
      });
      const added: string[] = [];
      const removed: string[] = [];
      for (const group of page.value) {
        if (group.id !== args.groupId) continue;
        for (const member of group['members@delta'] ?? []) {
          if (member['@odata.type'] && member['@odata.type'] !== USER_TYPE) continue;
          (member['@removed'] ? removed : added).push(member.id);
        }
      }
      return {
        added,
        removed,
        nextLink: page['@odata.nextLink'] ?? null,
        deltaLink: page['@odata.deltaLink'] ?? null,
      };
    },

    /** users/delta: changed users with the selected properties; deleted (soft or hard) ones in `removed`. */
    async usersDelta(args: { select: string[]; link?: string | null }) {
      const page = await http.json<DeltaPage<GraphUser & { '@removed'?: unknown }>>({
        pathOrUrl: args.link ?? `/users/delta?$select=${userSelect(args.select)}`,
        headers: { Prefer: 'odata.maxpagesize=999' },
        describe: { what: 'track user changes', permissions: [USER_READ_ALL] },
      });
      const users: GraphUser[] = [];
      const removed: string[] = [];
      for (const user of page.value) {
        if (user['@removed']) removed.push(user.id);
        else users.push(user);
      }
      return {
        users,
        removed,
        nextLink: page['@odata.nextLink'] ?? null,
        deltaLink: page['@odata.deltaLink'] ?? null,
      };
    },
  };
}
