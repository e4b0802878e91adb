import { groupsDelta, usersDelta } from './delta-handlers';
import type { GraphRequestContext } from './graph-context';
import {
  getGroup,
  getPhoto,
  getPhotoMetadata,
  getUser,
  listDirectory,
  listMembers,
} from './graph-read-handlers';
import { GraphFailure, odataError, type GraphResponse } from './graph-response';

/** Application permissions that allow each kind of read (any one of them suffices). */
const USER_READ = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const GROUP_READ = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const PHOTO_READ = [...USER_READ, 'ProfilePhoto.Read.All'];

export interface GraphRoute {
  /** counter label, e.g. "members.user" */
  kind: string;
  /** the roles that allow it; empty = any token */
  anyOf: string[];
  handle: (ctx: GraphRequestContext) => GraphResponse;
}

const DELTA = new Set(['delta', 'delta()', 'microsoft.graph.delta', 'microsoft.graph.delta()']);
const USER_CAST = 'microsoft.graph.user';

/** Finds the handler for a GET under /v1.0 ($batch is routed by the server). null = no such resource. */
export function matchGraphRoute(segments: string[]): GraphRoute | null {
  const [collection, id, nav, cast, extra] = segments;
  if (extra !== undefined) return null;
  if (collection === 'groups') {
    if (id === undefined)
      return { kind: 'groups', anyOf: GROUP_READ, handle: (ctx) => listDirectory(ctx, 'groups') };
    if (DELTA.has(id) && nav === undefined)
      return { kind: 'groups.delta', anyOf: GROUP_READ, handle: groupsDelta };
    if (nav === undefined) return { kind: 'group', anyOf: GROUP_READ, handle: (ctx) => getGroup(ctx, id) };
    if ((nav === 'members' || nav === 'transitiveMembers') && (cast === undefined || cast === USER_CAST)) {
      const usersOnly = cast === USER_CAST;
      return {
        kind: usersOnly ? `${nav}.user` : nav,
        anyOf: GROUP_READ,
        handle: (ctx) => listMembers(ctx, id, nav === 'transitiveMembers', usersOnly),
      };
    }
    return null;
  }
  if (collection === 'users') {
    if (id === undefined)
      return { kind: 'users', anyOf: USER_READ, handle: (ctx) => listDirectory(ctx, 'users') };
    if (DELTA.has(id) && nav === undefined)
      return { kind: 'users.delta', anyOf: USER_READ, handle: usersDelta };
    if (nav === undefined) return { kind: 'user', anyOf: USER_READ, handle: (ctx) => getUser(ctx, id) };
    if (nav === 'photo' && cast === '$value')
      return { kind: 'photo', anyOf: PHOTO_READ, handle: (ctx) => getPhoto(ctx, id) };
    if (nav === 'photo' && cast === undefined)
      return { kind: 'photo.metadata', anyOf: PHOTO_READ, handle: (ctx) => getPhotoMetadata(ctx, id) };
  }
  return null;
}

/** Runs a GET: route, permission check, handler; every failure becomes an ODataError response. */
export function dispatchGraph(ctx: GraphRequestContext, route: GraphRoute | null): GraphResponse {
  const clientRequestId = ctx.headers['client-request-id'];
  if (!route) {
    return odataError(
      400,
      'BadRequest',
      `Resource not found for the segment '${ctx.segments.at(-1) ?? ''}'.`,
      {},
      clientRequestId,
    );
  }
  if (ctx.method !== 'GET') {
    return odataError(
      405,
      'Request_BadRequest',
      `The emulator only serves GET on ${ctx.rawPath}.`,
      {},
      clientRequestId,
    );
  }
  if (route.anyOf.length > 0 && !route.anyOf.some((role) => ctx.roles.includes(role))) {
    return odataError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
      {},
      clientRequestId,
    );
  }
  try {
    return route.handle(ctx);
  } catch (err) {
    if (err instanceof GraphFailure)
      return odataError(err.status, err.code, err.message, {}, clientRequestId);
    throw err;
  }
}
