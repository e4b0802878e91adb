import { carriedState, deltaPageSize, resolveRound, roundLinks } from './delta-rounds';
import { ODATA_TYPE, type ObjectKind } from './directory-types';
import type { GraphRequestContext } from './graph-context';
import { ok, unsupportedQuery, type GraphResponse } from './graph-response';
import { listMemberIds } from './membership';
import { odataContext, parseSelect, projectGroup, projectUser } from './odata-query';

const MEMBERS_PER_PAGE = 999;

/** users/delta: changed users with their $select'ed properties; deleted ones as {id, @removed}. */
export function usersDelta(ctx: GraphRequestContext): GraphResponse {
  const { tenant } = ctx;
  const { users } = tenant.directory;
  const round = resolveRound(
    ctx,
    'users-delta',
    () => [...users.values()].filter((user) => !user.deletedDateTime).map((user) => user.id),
    (since) => {
      const changed = [...users.values()].filter((user) => user.changedAt > since).map((user) => user.id);
      for (const [id, version] of tenant.hardDeleted) if (version > since) changed.push(id);
      return changed;
    },
    { select: parseSelect(ctx, 'user'), carry: {} },
  );
  const ids = tenant.snapshots.get(round.snapshotId) as string[];
  const end = Math.min(round.offset + deltaPageSize(ctx), ids.length);
  const value = ids.slice(round.offset, end).map((id) => {
    const user = users.get(id);
    if (!user) return { id, '@removed': { reason: 'deleted' } };
    if (user.deletedDateTime) return { id, '@removed': { reason: 'changed' } };
    return projectUser(user, round.select);
  });
  return ok({
    '@odata.context': odataContext(ctx, 'users', round.select),
    ...roundLinks(ctx, 'users-delta', round, end, ids.length),
    value,
  });
}

interface MemberDelta {
  id: string;
  kind: ObjectKind;
  removed: boolean;
}
interface GroupUnit {
  groupId: string;
  members: MemberDelta[];
}

function chunked(groupId: string, members: MemberDelta[]): GroupUnit[] {
  if (members.length === 0) return [{ groupId, members }];
  const units: GroupUnit[] = [];
  for (let i = 0; i < members.length; i += MEMBERS_PER_PAGE)
    units.push({ groupId, members: members.slice(i, i + MEMBERS_PER_PAGE) });
  return units;
}

/** groups/delta ($filter=id eq '...'): the group and its direct members as members@delta, with @removed. */
export function groupsDelta(ctx: GraphRequestContext): GraphResponse {
  const { tenant } = ctx;
  const { groups, users, others } = tenant.directory;
  const filter =
    ctx.query.get('$filter') ??
    (carriedState(ctx, 'groups-delta')?.x.carry as { filter?: string })?.filter ??
    null;
  const filtered = filter === null ? null : [...filter.matchAll(/id eq '([^']+)'/g)].map((m) => m[1]);
  if (filtered && filtered.length === 0)
    throw unsupportedQuery(`Unsupported $filter '${filter}' on groups/delta: use id eq '...'.`);
  const groupIds = () => (filtered ?? [...groups.keys()]).filter((id) => groups.has(id));
  const kindOf = (id: string): ObjectKind =>
    users.has(id) ? 'user' : groups.has(id) ? 'group' : (others.get(id)?.kind ?? 'user');
  const round = resolveRound(
    ctx,
    'groups-delta',
    () =>
      groupIds().flatMap((groupId) =>
        chunked(
          groupId,
          listMemberIds(tenant, groupId, false, false).map((id) => ({
            id,
            kind: kindOf(id),
            removed: false,
          })),
        ),
      ),
    (since) =>
      groupIds().flatMap((groupId) => {
        const net = new Map<string, MemberDelta>();
        for (const change of tenant.membershipLog) {
          if (change.groupId === groupId && change.version > since) {
            net.set(change.memberId, {
              id: change.memberId,
              kind: change.memberKind,
              removed: !change.added,
            });
          }
        }
        const groupChanged = groups.get(groupId)!.changedAt > since;
        return net.size > 0 || groupChanged ? chunked(groupId, [...net.values()]) : [];
      }),
    { select: parseSelect(ctx, 'group'), carry: { filter } },
  );
  const units = tenant.snapshots.get(round.snapshotId) as GroupUnit[];
  const withMembers = !round.select || round.select.includes('members');
  const value: unknown[] = [];
  let end = round.offset;
  for (
    let budget = MEMBERS_PER_PAGE;
    end < units.length && (value.length === 0 || budget >= units[end].members.length);
    end++
  ) {
    const unit = units[end];
    budget -= unit.members.length;
    const group = groups.get(unit.groupId);
    if (!group) continue;
    const item: Record<string, unknown> = projectGroup(group, round.select ? ['id', ...round.select] : null);
    if (withMembers) {
      item['members@delta'] = unit.members.map((m) => ({
        '@odata.type': ODATA_TYPE[m.kind],
        id: m.id,
        ...(m.removed ? { '@removed': { reason: 'deleted' } } : {}),
      }));
    }
    value.push(item);
  }
  return ok({
    '@odata.context': odataContext(ctx, 'groups', round.select),
    ...roundLinks(ctx, 'groups-delta', round, end, units.length),
    value,
  });
}
