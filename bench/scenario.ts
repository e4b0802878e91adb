import { addMember, createUser, removeMember, updateUser } from '../emulator/tenant-mutations';
import type { TenantState } from '../emulator/tenant-state';

export interface ChangeSet {
  changed: number;
  left: number;
  joined: number;
}

/**
 * The benchmark's "1% changed" step: 1% of members change their job title, 0.5% leave the group
 * and 0.5% new users join it. `round` picks disjoint slices so each round changes fresh people.
 */
export function applyChurn(tenant: TenantState, groupId: string, round: number): ChangeSet {
  const group = tenant.directory.groups.get(groupId);
  if (!group) throw new Error(`no group ${groupId}`);
  const members = group.members.filter((id) => tenant.directory.users.has(id));
  const n = members.length;
  const changeCount = Math.max(1, Math.round(n * 0.01));
  const moveCount = Math.max(1, Math.round(n * 0.005));
  const stride = Math.floor(n / (changeCount + moveCount)) || 1;
  const picks: string[] = [];
  for (let i = 0; picks.length < changeCount + moveCount && i < n; i++) {
    picks.push(members[(i * stride + round * 7) % n]!);
  }
  const toChange = picks.slice(0, changeCount);
  const toRemove = picks.slice(changeCount);
  for (const id of toChange) updateUser(tenant, id, { jobTitle: `Principal Engineer r${round}` });
  for (const id of toRemove) removeMember(tenant, groupId, id);
  for (let i = 0; i < moveCount; i++) {
    const user = createUser(tenant, {
      props: {
        displayName: `Joiner ${round}-${i}`,
        givenName: 'Joiner',
        surname: `${round}-${i}`,
        jobTitle: 'New Hire',
        accountEnabled: true,
        userType: 'Member',
      },
    });
    addMember(tenant, groupId, user.id);
  }
  return { changed: toChange.length, left: toRemove.length, joined: moveCount };
}
