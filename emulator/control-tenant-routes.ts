import { randomUUID } from 'node:crypto';
import { USER_FILTERS, summarizeUser, type UserSummary } from './control-summaries';
import { emptyCounters } from './counters';
import { NO_FAULTS, type Faults } from './faults';
import { listMemberIds } from './membership';
import * as mutate from './tenant-mutations';
import { ControlError } from './tenant-mutations';
import { newClientSecret, summarizeGroup } from './tenant-registry';
import { DEFAULT_ROLES, type TenantState } from './tenant-state';

type Json = Record<string, any>;

export interface RouteArgs {
  tenant: TenantState;
  /** the pattern's capture groups, URL-decoded */
  params: string[];
  body: Json;
  query: URLSearchParams;
}

export type TenantRoute = [method: string, pattern: RegExp, handle: (args: RouteArgs) => unknown];

const FAULT_KEYS = Object.keys(NO_FAULTS) as (keyof Faults)[];

function setFaults({ tenant, body }: RouteArgs): Faults {
  for (const key of Object.keys(body)) {
    if (key === 'expireSkiptokens') continue;
    if (!FAULT_KEYS.includes(key as keyof Faults) || typeof body[key] !== 'number') {
      throw new ControlError(400, `unknown or non-numeric fault "${key}"; known: ${FAULT_KEYS.join(', ')}`);
    }
    tenant.faults[key as keyof Faults] = body[key];
  }
  if (body.expireSkiptokens === true) tenant.skiptokensValidFrom = tenant.tokenSeq;
  return tenant.faults;
}

function listUsers({ tenant, query }: RouteArgs): UserSummary[] {
  const filter = USER_FILTERS[query.get('filter') ?? 'visible'];
  if (!filter) throw new ControlError(400, `filter must be one of ${Object.keys(USER_FILTERS).join(', ')}`);
  const offset = Number(query.get('offset') ?? 0);
  const limit = Number(query.get('limit') ?? 100);
  const out: UserSummary[] = [];
  let seen = 0;
  for (const user of tenant.directory.users.values()) {
    if (!filter(user, () => user.props) || seen++ < offset) continue;
    out.push(summarizeUser(user));
    if (out.length >= limit) break;
  }
  return out;
}

function setRoles({ tenant, body }: RouteArgs) {
  const app = tenant.apps.get(body.clientId ?? [...tenant.apps.keys()][0]);
  if (!app) throw new ControlError(404, `no app ${body.clientId} in tenant ${tenant.id}`);
  if (!Array.isArray(body.roles)) throw new ControlError(400, 'roles must be an array of permission names');
  app.roles = body.roles.map(String);
  return { clientId: app.clientId, roles: app.roles };
}

function addApp({ tenant, body }: RouteArgs) {
  const app = {
    clientId: body.clientId ?? randomUUID(),
    clientSecret: body.clientSecret ?? newClientSecret(),
    roles: body.roles ?? [...DEFAULT_ROLES],
  };
  tenant.apps.set(app.clientId, app);
  return app;
}

/** The control routes under /_emulator/tenants/{id}: [method, path pattern, handler]. */
export const TENANT_ROUTES: TenantRoute[] = [
  ['PUT', /^\/roles$/, setRoles],
  ['POST', /^\/apps$/, addApp],
  ['GET', /^\/faults$/, ({ tenant }) => tenant.faults],
  ['PUT', /^\/faults$/, setFaults],
  ['POST', /^\/expire-skiptokens$/, ({ tenant }) => void (tenant.skiptokensValidFrom = tenant.tokenSeq)],
  ['POST', /^\/expire-delta-tokens$/, ({ tenant }) => void (tenant.deltaTokensValidFrom = tenant.tokenSeq)],
  ['GET', /^\/counters$/, ({ tenant }) => tenant.counters],
  [
    'POST',
    /^\/counters\/reset$/,
    ({ tenant }) => {
      tenant.counters = emptyCounters();
      tenant.requestLog = [];
    },
  ],
  ['GET', /^\/requests$/, ({ tenant }) => tenant.requestLog],
  ['GET', /^\/users$/, listUsers],
  [
    'POST',
    /^\/users$/,
    ({ tenant, body }) => summarizeUser(mutate.createUser(tenant, { id: body.id, props: body.props })),
  ],
  [
    'GET',
    /^\/users\/([^/]+)$/,
    ({ tenant, params }) => ({
      ...summarizeUser(mutate.requireUser(tenant, params[0])),
      props: mutate.requireUser(tenant, params[0]).props,
    }),
  ],
  [
    'PATCH',
    /^\/users\/([^/]+)$/,
    ({ tenant, params, body }) => summarizeUser(mutate.updateUser(tenant, params[0], body)),
  ],
  [
    'POST',
    /^\/users\/([^/]+)\/disable$/,
    ({ tenant, params }) => summarizeUser(mutate.updateUser(tenant, params[0], { accountEnabled: false })),
  ],
  [
    'POST',
    /^\/users\/([^/]+)\/enable$/,
    ({ tenant, params }) => summarizeUser(mutate.updateUser(tenant, params[0], { accountEnabled: true })),
  ],
  [
    'POST',
    /^\/users\/([^/]+)\/restore$/,
    ({ tenant, params }) => summarizeUser(mutate.restoreUser(tenant, params[0])),
  ],
  [
    'DELETE',
    /^\/users\/([^/]+)$/,
    ({ tenant, params, query }) =>
      query.get('hard') === 'true'
        ? void mutate.hardDeleteUser(tenant, params[0])
        : summarizeUser(mutate.softDeleteUser(tenant, params[0])),
  ],
  [
    'PUT',
    /^\/users\/([^/]+)\/photo$/,
    ({ tenant, params, body }) => {
      if (typeof body.base64 !== 'string')
        throw new ControlError(400, 'a photo needs base64 and contentType');
      mutate.setPhoto(tenant, params[0], {
        contentType: body.contentType ?? 'image/png',
        data: Buffer.from(body.base64, 'base64'),
      });
    },
  ],
  ['DELETE', /^\/users\/([^/]+)\/photo$/, ({ tenant, params }) => mutate.setPhoto(tenant, params[0], null)],
  [
    'GET',
    /^\/groups$/,
    ({ tenant }) => [...tenant.directory.groups.keys()].map((id) => summarizeGroup(tenant, id)),
  ],
  [
    'POST',
    /^\/groups$/,
    ({ tenant, body }) => summarizeGroup(tenant, mutate.createGroup(tenant, body as never).id),
  ],
  [
    'PATCH',
    /^\/groups\/([^/]+)$/,
    ({ tenant, params, body }) => summarizeGroup(tenant, mutate.updateGroup(tenant, params[0], body).id),
  ],
  [
    'GET',
    /^\/groups\/([^/]+)\/members$/,
    ({ tenant, params, query }) => {
      mutate.requireGroup(tenant, params[0]);
      return listMemberIds(
        tenant,
        params[0],
        query.get('transitive') === 'true',
        query.get('usersOnly') === 'true',
      );
    },
  ],
  [
    'POST',
    /^\/groups\/([^/]+)\/members$/,
    ({ tenant, params, body }) => {
      const ids: string[] = body.memberIds ?? (body.memberId ? [body.memberId] : []);
      for (const id of ids) mutate.addMember(tenant, params[0], id);
      return summarizeGroup(tenant, params[0]);
    },
  ],
  [
    'DELETE',
    /^\/groups\/([^/]+)\/members\/([^/]+)$/,
    ({ tenant, params }) => {
      mutate.removeMember(tenant, params[0], params[1]);
      return summarizeGroup(tenant, params[0]);
    },
  ],
];
