import { ODATA_TYPE, kindOf, type GroupRecord, type OtherRecord, type UserRecord } from './directory-types';
import type { GraphRequestContext } from './graph-context';
import { badRequest } from './graph-response';
import {
  DEFAULT_USER_SELECT,
  USER_PROPERTIES,
  emptyUserValue,
  fullExtensionAttributes,
} from './user-properties';

/** The properties Graph returns for a group without $select (the ones this emulator models). */
const DEFAULT_GROUP_SELECT = [
  'id', 'deletedDateTime', 'classification', 'createdDateTime', 'description', 'displayName',
  'expirationDateTime', 'groupTypes', 'isAssignableToRole', 'mail', 'mailEnabled', 'mailNickname',
  'membershipRule', 'membershipRuleProcessingState', 'onPremisesSyncEnabled', 'preferredDataLocation',
  'preferredLanguage', 'proxyAddresses', 'renewedDateTime', 'securityEnabled', 'securityIdentifier',
  'theme', 'visibility',
]; // prettier-ignore

const GROUP_COLLECTIONS = new Set(['groupTypes', 'proxyAddresses']);

/** $select as a list; null when absent. Unknown user properties are a 400, as in Graph. */
export function parseSelect(
  ctx: GraphRequestContext,
  entity: 'user' | 'group' | 'directoryObject',
): string[] | null {
  const raw = ctx.query.get('$select');
  if (raw === null || raw.trim() === '') return null;
  const names = raw.split(',').map((name) => name.trim());
  if (entity === 'user') {
    for (const name of names) {
      if (!USER_PROPERTIES.has(name)) {
        throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.user'.`);
      }
    }
  }
  return names;
}

export function projectUser(user: UserRecord, select: readonly string[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = user.props; // generated users build their properties on each read: read once
  for (const name of select ?? DEFAULT_USER_SELECT) {
    let value: unknown;
    if (name === 'id') value = user.id;
    else if (name === 'deletedDateTime') value = user.deletedDateTime;
    else if (name === 'onPremisesExtensionAttributes') {
      value = fullExtensionAttributes((props.onPremisesExtensionAttributes as Record<string, string>) ?? {});
    } else value = name in props ? props[name] : emptyUserValue(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export function projectGroup(group: GroupRecord, select: readonly string[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of select ?? DEFAULT_GROUP_SELECT) {
    if (name === 'members') continue; // navigation property: only groups/delta answers it (members@delta)
    if (name === 'id') out.id = group.id;
    else if (name in group.props) out[name] = group.props[name];
    else out[name] = GROUP_COLLECTIONS.has(name) ? [] : null;
  }
  return out;
}

function projectOther(other: OtherRecord, select: readonly string[] | null): Record<string, unknown> {
  if (!select) return { id: other.id, ...other.props };
  const out: Record<string, unknown> = {};
  for (const name of select) {
    if (name === 'id') out.id = other.id;
    else if (name in other.props) out[name] = other.props[name];
  }
  return out;
}

/** A member of a directoryObject collection, with its @odata.type as Graph sends it. */
export function projectDirectoryObject(
  ctx: GraphRequestContext,
  id: string,
  select: readonly string[] | null,
) {
  const { directory } = ctx.tenant;
  const kind = kindOf(directory, id);
  if (kind === 'user')
    return { '@odata.type': ODATA_TYPE.user, ...projectUser(directory.users.get(id)!, select) };
  if (kind === 'group')
    return { '@odata.type': ODATA_TYPE.group, ...projectGroup(directory.groups.get(id)!, select) };
  const other = directory.others.get(id);
  return other ? { '@odata.type': ODATA_TYPE[other.kind], ...projectOther(other, select) } : undefined;
}

/** $top: default 100, 1..999, like Graph's directory endpoints. */
export function parseTop(ctx: GraphRequestContext, defaultSize = 100): number {
  const raw = ctx.query.get('$top');
  if (raw === null) return defaultSize;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
  }
  return top;
}

/** The @odata.context of a response, e.g. https://host/v1.0/$metadata#users(id,mail) */
export function odataContext(
  ctx: GraphRequestContext,
  entitySet: string,
  select: readonly string[] | null,
  entity = false,
) {
  const shape = select ? `${entitySet}(${select.join(',')})` : entitySet;
  return `${ctx.baseUrl}/v1.0/$metadata#${shape}${entity ? '/$entity' : ''}`;
}
