import type { Directory } from './directory-types';
import type { TenantState } from './tenant-state';

/** Whether an object is visible to Graph reads (soft-deleted users are not). */
export function isVisible(directory: Directory, id: string): boolean {
  const user = directory.users.get(id);
  if (user) return user.deletedDateTime === null;
  return directory.groups.has(id) || directory.others.has(id);
}

function computeMembers(
  directory: Directory,
  groupId: string,
  transitive: boolean,
  usersOnly: boolean,
): string[] {
  const group = directory.groups.get(groupId);
  if (!group) return [];
  if (!transitive) {
    return group.members.filter((id) => isVisible(directory, id) && (!usersOnly || directory.users.has(id)));
  }
  const seen = new Set<string>();
  const out: string[] = [];
  const visitedGroups = new Set<string>([groupId]);
  const stack = [group];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const id of current.members) {
      if (seen.has(id) || !isVisible(directory, id)) continue;
      seen.add(id);
      const nested = directory.groups.get(id);
      if (nested && !visitedGroups.has(id)) {
        visitedGroups.add(id);
        stack.push(nested);
      }
      if (!usersOnly || directory.users.has(id)) out.push(id);
    }
  }
  return out;
}

/**
 * The visible member ids of a group (direct or transitive, all kinds or users only), cached until the
 * tenant's directory changes so paging through a 100,000-member group costs a slice per page.
 */
export function listMemberIds(
  tenant: TenantState,
  groupId: string,
  transitive: boolean,
  usersOnly: boolean,
): string[] {
  const key = `${groupId}|${transitive}|${usersOnly}`;
  const cached = tenant.memberCache.get(key);
  if (cached && cached.version === tenant.version) return cached.ids;
  const ids = computeMembers(tenant.directory, groupId, transitive, usersOnly);
  tenant.memberCache.set(key, { version: tenant.version, ids });
  return ids;
}
