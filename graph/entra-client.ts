import { testConnection } from './connection-test';
import { createDeltaReads } from './delta-reads';
import { createGraphHttp } from './graph-http';
import { createGroupReads } from './group-reads';
import { DEFAULT_GRAPH_LIMITS, type GraphLimits } from '../contracts/graph-limits';
import { retryWaitBudget } from './limits';
import { pageCounter } from './page-counter';
import type { Outbound } from '../net/outbound';
import { createTokenProvider } from './token-provider';
import type {
  ConnectionTestResult,
  EntraClientOptions,
  EntraConnection,
  GraphGroup,
  GraphUser,
  Page,
} from './types';
import { createUserReads } from './user-reads';
import { getUsersByIds } from './users-batch';
import { createBatchGate } from './batch-gate';
import { getPhotoContents, getPhotoMetadata, type PhotoContent, type PhotoMetadata } from './photos-batch';

export type { PhotoContent, PhotoMetadata } from './photos-batch';
export type {
  ConnectionTestResult,
  EntraClientOptions,
  EntraConnection,
  GraphGroup,
  GraphUser,
  Page,
} from './types';

/** Everything the sync needs from Microsoft Entra ID; every failure is an EntraError (see errors.ts). */
export interface EntraClient {
  getGroup(groupId: string): Promise<GraphGroup>;
  /** one page of users among a group's members (transitive when asked), $select'ed, $top=999. Pass nextLink to continue. */
  listGroupUsers(args: {
    groupId: string;
    transitive: boolean;
    select: string[];
    nextLink?: string | null;
    /** told the next page's link as soon as it arrives, before this page's users are parsed */
    onNextLink?: (link: string) => void;
  }): Promise<Page<GraphUser>>;
  /** null when the user does not exist (404) */
  getUser(userId: string, select: string[]): Promise<GraphUser | null>;
  /** $batch of ≤20 per request; null = not found */
  getUsersByIds(ids: string[], select: string[]): Promise<Map<string, GraphUser | null>>;
  getPhoto(userId: string): Promise<{ contentType: string; data: Buffer } | null>;
  /** photo metadata (`@odata.mediaEtag`) in $batch requests; null = no photo */
  getPhotoMetadata(ids: string[]): Promise<Map<string, PhotoMetadata | null>>;
  /** photo bytes in $batch requests; null = no photo */
  getPhotoContents(ids: string[]): Promise<Map<string, PhotoContent | null>>;
  searchUsers(args: { search?: string; top?: number; nextLink?: string | null }): Promise<Page<GraphUser>>;
  searchGroups(args: { search?: string; top?: number; nextLink?: string | null }): Promise<Page<GraphGroup>>;
  /** groups/delta filtered to one group: membership changes. link null = initial round. */
  groupMembersDelta(args: {
    groupId: string;
    link?: string | null;
  }): Promise<{ added: string[]; removed: string[]; nextLink: string | null; deltaLink: string | null }>;
  /** users/delta: changed users ($select'ed), deleted ones flagged by @removed. */
  usersDelta(args: {
    select: string[];
    link?: string | null;
  }): Promise<{ users: GraphUser[]; removed: string[]; nextLink: string | null; deltaLink: string | null }>;
  testConnection(): Promise<ConnectionTestResult>;
}

/**
 * The production Entra client: MSAL client credentials (tokens cached per connection) and the
 * Microsoft Graph JS client with our throttling middleware. Cheap to create per activity call:
 * the MSAL application and its token cache are shared per connection.
 */
export function createEntraClient(
  conn: EntraConnection,
  outbound: Outbound,
  opts: EntraClientOptions = {},
): EntraClient {
  const limits = opts.limits ?? DEFAULT_GRAPH_LIMITS;
  const budget = retryWaitBudget(limits.maxTotalRetryWaitMs, opts.runRetryWait);
  // delta rounds page by links like the member listing, whose activity counts its own pages
  const followPages = pageCounter(limits.maxPages);
  const tokens = createTokenProvider(conn, outbound, limits);
  const http = createGraphHttp(conn, tokens, outbound, limits, opts, budget);
  const groups = createGroupReads(http, conn.tenantId);
  const users = createUserReads(http);
  const delta = createDeltaReads(http, conn.tenantId);
  const batchPolicy = {
    maxThrottleRetries: opts.maxThrottleRetries ?? 5,
    maxRetryWaitMs: opts.maxRetryWaitMs ?? 60_000,
    budget,
    // every batched read of this client shares the cap on $batch requests in flight
    gate: createBatchGate(),
  };
  return {
    getGroup: groups.getGroup,
    listGroupUsers: groups.listGroupUsers,
    searchGroups: groups.searchGroups,
    getUser: users.getUser,
    getPhoto: users.getPhoto,
    searchUsers: users.searchUsers,
    getUsersByIds: (ids, select) => getUsersByIds(http, ids, select, batchPolicy),
    getPhotoMetadata: (ids) => getPhotoMetadata(http, ids, batchPolicy),
    getPhotoContents: (ids) => getPhotoContents(http, ids, batchPolicy),
    groupMembersDelta: (args) =>
      followPages(args.link, `the membership delta round of group ${args.groupId}`, () =>
        delta.groupMembersDelta(args),
      ),
    usersDelta: (args) => followPages(args.link, 'the users delta round', () => delta.usersDelta(args)),
    testConnection: () => testConnection(conn, tokens, http),
  };
}

/**
 * Builds clients that all leave through one outbound path (the operator's policy, one pooled
 * agent) under the same caps; made once at an entry point and passed down as `entraClientFor`.
 */
export function entraClientFactory(
  outbound: Outbound,
  limits: GraphLimits = DEFAULT_GRAPH_LIMITS,
): (conn: EntraConnection, opts?: EntraClientOptions) => EntraClient {
  return (conn, opts = {}) => createEntraClient(conn, outbound, { limits, ...opts });
}
