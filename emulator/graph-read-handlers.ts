import { matchesSearch, parseSearch } from './directory-search';
import type { GraphRequestContext } from './graph-context';
import { GraphFailure, binary, notFound, ok, unsupportedQuery, type GraphResponse } from './graph-response';
import { isVisible, listMemberIds } from './membership';
import {
  odataContext,
  parseSelect,
  parseTop,
  projectDirectoryObject,
  projectGroup,
  projectUser,
} from './odata-query';
import { pageThrough } from './paging';
import type { GroupRecord, UserRecord } from './directory-types';
import { photoEtag, type Photo } from './photos';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Graph's "advanced query" parameters: the ConsistencyLevel: eventual header and $count=true. */
function isAdvancedQuery(ctx: GraphRequestContext): boolean {
  return (
    (ctx.headers['consistencylevel'] ?? '').toLowerCase() === 'eventual' && ctx.query.get('$count') === 'true'
  );
}

function rejectFilter(ctx: GraphRequestContext): void {
  if (ctx.query.has('$filter')) throw unsupportedQuery('The emulator supports $filter only on groups/delta.');
}

function requireGroup(ctx: GraphRequestContext, id: string) {
  if (!GUID.test(id)) throw new GraphFailure(400, 'Request_BadRequest', `Invalid object identifier '${id}'.`);
  const group = ctx.tenant.directory.groups.get(id);
  if (!group) throw notFound(id);
  return group;
}

/** A user by object id or userPrincipalName, as /users/{id | userPrincipalName} accepts. */
export function findUser(ctx: GraphRequestContext, idOrUpn: string): UserRecord | null {
  const { users } = ctx.tenant.directory;
  const byId = users.get(idOrUpn);
  if (byId) return byId.deletedDateTime ? null : byId;
  if (!idOrUpn.includes('@')) return null;
  const wanted = idOrUpn.toLowerCase();
  for (const user of users.values()) {
    if (!user.deletedDateTime && String(user.props.userPrincipalName).toLowerCase() === wanted) return user;
  }
  return null;
}

export function getGroup(ctx: GraphRequestContext, id: string): GraphResponse {
  const group = requireGroup(ctx, id);
  const select = parseSelect(ctx, 'group');
  return ok({ '@odata.context': odataContext(ctx, 'groups', select, true), ...projectGroup(group, select) });
}

/** /groups/{id}/members|transitiveMembers[/microsoft.graph.user] */
export function listMembers(
  ctx: GraphRequestContext,
  id: string,
  transitive: boolean,
  usersOnly: boolean,
): GraphResponse {
  requireGroup(ctx, id);
  rejectFilter(ctx);
  const advanced = isAdvancedQuery(ctx);
  if (transitive && usersOnly && !advanced) {
    throw unsupportedQuery(
      'An OData cast on transitiveMembers is an advanced query: send ConsistencyLevel: eventual and $count=true.',
    );
  }
  const select = parseSelect(ctx, usersOnly ? 'user' : 'directoryObject');
  const top = parseTop(ctx);
  const { users } = ctx.tenant.directory;
  let count: number | undefined;
  const page = pageThrough(
    ctx,
    `members|${id}|${transitive}|${usersOnly}`,
    top,
    () => {
      const ids = listMemberIds(ctx.tenant, id, transitive, usersOnly);
      count = ids.length;
      return ids;
    },
    (memberId) => {
      if (!usersOnly) return projectDirectoryObject(ctx, memberId, select);
      const user = users.get(memberId);
      return user ? projectUser(user, select) : undefined;
    },
  );
  return ok({
    '@odata.context': odataContext(ctx, usersOnly ? 'users' : 'directoryObjects', select),
    ...(advanced && count !== undefined ? { '@odata.count': count } : {}),
    ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
    value: page.value,
  });
}

export function getUser(ctx: GraphRequestContext, idOrUpn: string): GraphResponse {
  const select = parseSelect(ctx, 'user');
  const user = findUser(ctx, idOrUpn);
  if (!user) throw notFound(idOrUpn);
  return ok({ '@odata.context': odataContext(ctx, 'users', select, true), ...projectUser(user, select) });
}

export function getPhoto(ctx: GraphRequestContext, idOrUpn: string): GraphResponse {
  const photo = requirePhoto(ctx, idOrUpn);
  const data = photo.data;
  ctx.tenant.counters.photoBytes += data.length;
  // a media stream's ETag, the same value its metadata's @odata.mediaEtag gives (OData's media entities)
  return binary(photo.contentType, data, { ETag: photoEtag(photo) });
}

/** GET /users/{id}/photo: the profilePhoto object, whose `@odata.mediaEtag` names the bytes' version. */
export function getPhotoMetadata(ctx: GraphRequestContext, idOrUpn: string): GraphResponse {
  const photo = requirePhoto(ctx, idOrUpn);
  return ok({
    '@odata.context': `${ctx.baseUrl}/v1.0/$metadata#users('${idOrUpn}')/photo/$entity`,
    '@odata.mediaContentType': photo.contentType,
    '@odata.mediaEtag': photoEtag(photo),
    id: 'default',
    height: 240,
    width: 240,
  });
}

function requirePhoto(ctx: GraphRequestContext, idOrUpn: string): Photo {
  const user = findUser(ctx, idOrUpn);
  if (!user) throw notFound(idOrUpn);
  if (!user.photo) throw new GraphFailure(404, 'ImageNotFound', 'The photo wasn’t found.');
  return user.photo;
}

/** /users and /groups, optionally with $search (ConsistencyLevel: eventual), $count and $orderby=displayName. */
export function listDirectory(ctx: GraphRequestContext, entity: 'users' | 'groups'): GraphResponse {
  rejectFilter(ctx);
  const search = parseSearch(ctx);
  const select = parseSelect(ctx, entity === 'users' ? 'user' : 'group');
  const top = parseTop(ctx);
  const { directory } = ctx.tenant;
  const build = () => {
    const records = entity === 'users' ? [...directory.users.values()] : [...directory.groups.values()];
    const ids: { id: string; name: string }[] = [];
    for (const record of records) {
      if (!isVisible(directory, record.id)) continue;
      const props = record.props;
      if (!search || matchesSearch(props, search))
        ids.push({ id: record.id, name: String(props.displayName ?? '') });
    }
    if (ctx.query.get('$orderby')?.startsWith('displayName'))
      ids.sort((a, b) => a.name.localeCompare(b.name));
    return ids.map((entry) => entry.id);
  };
  const listKey = `${entity}|${ctx.query.get('$search') ?? ''}|${ctx.query.get('$orderby') ?? ''}`;
  let count: number | undefined;
  const page = pageThrough(
    ctx,
    listKey,
    top,
    () => {
      const ids = build();
      count = ids.length;
      return ids;
    },
    (id) => {
      const record = entity === 'users' ? directory.users.get(id) : directory.groups.get(id);
      if (!record) return undefined;
      return entity === 'users'
        ? projectUser(record as UserRecord, select)
        : projectGroup(record as GroupRecord, select);
    },
  );
  return ok({
    '@odata.context': odataContext(ctx, entity, select),
    ...(isAdvancedQuery(ctx) && count !== undefined ? { '@odata.count': count } : {}),
    ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
    value: page.value,
  });
}
