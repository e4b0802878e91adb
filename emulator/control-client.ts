import type { UserSummary } from './control-summaries';
import type { Counters, LoggedRequest } from './counters';
import type { GraphProps } from './directory-types';
import type { Faults } from './faults';
import type { CreateTenantInput, GroupSummary, TenantInfo } from './tenant-registry';

export type { CreateTenantInput, GroupSummary, TenantInfo, Counters, Faults, LoggedRequest, UserSummary };

/** A tenant as tests use it: its info plus the connection fields an EntraClient needs. */
export interface EmulatedTenant extends TenantInfo {
  authorityHost: string;
  graphBaseUrl: string;
}

export type UserFilter = 'visible' | 'member' | 'guest' | 'disabled' | 'deleted' | 'photo' | 'noMail';

/** Typed client for the emulator's /_emulator/ HTTP API (over HTTPS; trust via NODE_EXTRA_CA_CERTS). */
export function createEmulatorControl(url: string) {
  const base = url.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}/_emulator${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator control ${method} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const withConnection = (info: TenantInfo): EmulatedTenant => ({
    ...info,
    authorityHost: base,
    graphBaseUrl: base,
  });

  return {
    url: base,
    health: () => call<{ ok: boolean; tenants: number }>('GET', '/health'),
    /** a fresh, isolated tenant (its own directory, app, faults and counters) */
    createTenant: async (input: CreateTenantInput = {}) =>
      withConnection(await call<TenantInfo>('POST', '/tenants', input)),
    /** the fixed demo tenant (created on first call) */
    ensureDemoTenant: async () => withConnection(await call<TenantInfo>('POST', '/tenants/demo')),
    getTenant: async (tenantId: string) =>
      withConnection(await call<TenantInfo>('GET', `/tenants/${tenantId}`)),
    deleteTenant: (tenantId: string) => call<void>('DELETE', `/tenants/${tenantId}`),
    tenant: (tenantId: string) => tenantControl(call, tenantId),
  };
}

export type EmulatorControl = ReturnType<typeof createEmulatorControl>;

type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>;

function tenantControl(call: Call, tenantId: string) {
  const t = `/tenants/${encodeURIComponent(tenantId)}`;
  const u = (userId: string) => `${t}/users/${encodeURIComponent(userId)}`;
  const g = (groupId: string) => `${t}/groups/${encodeURIComponent(groupId)}`;
  return {
    /** the roles claim of tokens issued from now on (already issued tokens keep theirs, as in Entra) */
    setRoles: (roles: string[], clientId?: string) =>
      call<{ clientId: string; roles: string[] }>('PUT', `${t}/roles`, { roles, clientId }),
    addApp: (app: { clientId?: string; clientSecret?: string; roles?: string[] } = {}) =>
      call<{ clientId: string; clientSecret: string; roles: string[] }>('POST', `${t}/apps`, app),
    /** merges into the current faults; `expireSkiptokens: true` expires every skiptoken issued so far */
    setFaults: (faults: Partial<Faults> & { expireSkiptokens?: boolean }) =>
      call<Faults>('PUT', `${t}/faults`, faults),
    expireSkiptokens: () => call<void>('POST', `${t}/expire-skiptokens`),
    expireDeltaTokens: () => call<void>('POST', `${t}/expire-delta-tokens`),
    counters: () => call<Counters>('GET', `${t}/counters`),
    /** zeroes the counters and clears the request log */
    resetCounters: () => call<void>('POST', `${t}/counters/reset`),
    requests: () => call<LoggedRequest[]>('GET', `${t}/requests`),
    listUsers: (opts: { filter?: UserFilter; offset?: number; limit?: number } = {}) =>
      call<UserSummary[]>(
        'GET',
        `${t}/users?filter=${opts.filter ?? 'visible'}&offset=${opts.offset ?? 0}&limit=${opts.limit ?? 100}`,
      ),
    getUser: (userId: string) => call<UserSummary & { props: GraphProps }>('GET', u(userId)),
    createUser: (input: { id?: string; props?: GraphProps } = {}) =>
      call<UserSummary>('POST', `${t}/users`, input),
    updateUser: (userId: string, patch: GraphProps) => call<UserSummary>('PATCH', u(userId), patch),
    disableUser: (userId: string) => call<UserSummary>('POST', `${u(userId)}/disable`),
    enableUser: (userId: string) => call<UserSummary>('POST', `${u(userId)}/enable`),
    /** soft delete (restorable); hard: gone for good */
    deleteUser: (userId: string, opts: { hard?: boolean } = {}) =>
      call<UserSummary | undefined>('DELETE', `${u(userId)}${opts.hard ? '?hard=true' : ''}`),
    restoreUser: (userId: string) => call<UserSummary>('POST', `${u(userId)}/restore`),
    setPhoto: (userId: string, photo: { contentType: string; data: Buffer }) =>
      call<void>('PUT', `${u(userId)}/photo`, {
        contentType: photo.contentType,
        base64: photo.data.toString('base64'),
      }),
    removePhoto: (userId: string) => call<void>('DELETE', `${u(userId)}/photo`),
    listGroups: () => call<GroupSummary[]>('GET', `${t}/groups`),
    createGroup: (input: {
      id?: string;
      displayName: string;
      description?: string | null;
      memberIds?: string[];
    }) => call<GroupSummary>('POST', `${t}/groups`, input),
    updateGroup: (groupId: string, patch: { displayName?: string; description?: string | null }) =>
      call<GroupSummary>('PATCH', g(groupId), patch),
    memberIds: (groupId: string, opts: { transitive?: boolean; usersOnly?: boolean } = {}) =>
      call<string[]>(
        'GET',
        `${g(groupId)}/members?transitive=${!!opts.transitive}&usersOnly=${!!opts.usersOnly}`,
      ),
    addMember: (groupId: string, memberId: string) =>
      call<GroupSummary>('POST', `${g(groupId)}/members`, { memberId }),
    addMembers: (groupId: string, memberIds: string[]) =>
      call<GroupSummary>('POST', `${g(groupId)}/members`, { memberIds }),
    removeMember: (groupId: string, memberId: string) =>
      call<GroupSummary>('DELETE', `${g(groupId)}/members/${encodeURIComponent(memberId)}`),
  };
}

export type TenantControl = ReturnType<typeof tenantControl>;
