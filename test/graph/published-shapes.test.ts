import { beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedTenant, TenantControl } from '../../emulator/control-client';
import { emulatorOutbound } from '../helpers/outbound';
import { createEntraClient } from '../../graph/entra-client';
import {
  graphSpec,
  responseSchema,
  schemaRef,
  validate,
  validateMemberCollection,
} from './support/graph-schema';
import { freshTenant, rawGet, rawToken } from './support/emulator';

const ALL_USER_PROPS =
  'id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,userType,jobTitle,department,companyName,' +
  'officeLocation,mobilePhone,businessPhones,employeeId,streetAddress,city,state,postalCode,country,onPremisesExtensionAttributes,' +
  'createdDateTime,deletedDateTime,proxyAddresses,otherMails,birthday,hireDate,deviceEnrollmentLimit,preferredLanguage,usageLocation';

/** The extract's template for a concrete request path ("/v1.0/groups/<guid>/members" → "/groups/{group-id}/members"). */
function specPathOf(urlPath: string): string {
  const path = urlPath.replace(/^\/v1\.0/, '');
  return path
    .replace(/^\/(users|groups)\/(delta|delta\(\)|microsoft\.graph\.delta)$/, '/$1/microsoft.graph.delta()')
    .replace(/^\/groups\/[^/]+(?=\/|$)/, '/groups/{group-id}')
    .replace(/^\/users\/(?!microsoft\.graph\.delta\(\))[^/]+(?=\/|$)/, '/users/{user-id}');
}

describe('emulator responses match Microsoft’s published Graph v1.0 description', () => {
  let tenant: EmulatedTenant;
  let admin: TenantControl;
  let token: string;
  let groupId: string;
  let userId: string;

  beforeAll(async () => {
    ({ tenant, admin } = await freshTenant({
      seed: 9,
      users: 60,
      groups: [
        { displayName: 'Parent', users: 40, nestedGroups: ['Child'], nonUserMembers: 1 },
        { displayName: 'Child', users: 10, userOffset: 45 },
      ],
    }));
    token = await rawToken(tenant);
    groupId = tenant.groups[0].id;
    userId = (await admin.listUsers({ limit: 1 }))[0].id;
  });

  it('when a user is read, with or without $select, then it validates as microsoft.graph.user', async () => {
    for (const query of ['', `?$select=${ALL_USER_PROPS}`]) {
      const { status, body } = await rawGet(tenant, token, `/users/${userId}${query}`);
      expect(status).toBe(200);
      expect(validate(responseSchema('/users/{user-id}', '2XX'), body)).toEqual([]);
    }
    const all = await rawGet(tenant, token, `/users?$select=${ALL_USER_PROPS}&$top=60`);
    expect(all.body.value.length).toBeGreaterThan(50);
    expect(validate(responseSchema('/users', '2XX'), all.body)).toEqual([]);
  });

  it('when a group and its member collections are read, then they validate (users among members as microsoft.graph.user)', async () => {
    const group = await rawGet(tenant, token, `/groups/${groupId}`);
    expect(validate(responseSchema('/groups/{group-id}', '2XX'), group.body)).toEqual([]);
    for (const relation of ['members', 'transitiveMembers']) {
      const all = await rawGet(tenant, token, `/groups/${groupId}/${relation}?$top=999`);
      const types = new Set(all.body.value.map((m: Record<string, unknown>) => m['@odata.type']));
      expect(types).toEqual(
        new Set([
          '#microsoft.graph.user',
          '#microsoft.graph.group',
          '#microsoft.graph.device',
          '#microsoft.graph.orgContact',
          '#microsoft.graph.servicePrincipal',
        ]),
      );
      expect(validateMemberCollection(`/groups/{group-id}/${relation}`, all.body)).toEqual([]);
      // the cast on transitiveMembers is an advanced query in Graph: ConsistencyLevel + $count
      const users = await rawGet(
        tenant,
        token,
        `/groups/${groupId}/${relation}/microsoft.graph.user?$select=${ALL_USER_PROPS}&$top=7&$count=true`,
        { ConsistencyLevel: 'eventual' },
      );
      expect(users.body['@odata.count']).toBe(
        relation === 'members' ? tenant.groups[0].userCount : tenant.groups[0].transitiveUserCount,
      );
      expect(users.body['@odata.nextLink']).toMatch(/\$skiptoken=/);
      expect(
        validate(responseSchema(`/groups/{group-id}/${relation}/microsoft.graph.user`, '2XX'), users.body),
      ).toEqual([]);
    }
  });

  it('when delta pages are read (initial, changes, removals), then they validate as the delta responses', async () => {
    const usersInitial = await rawGet(tenant, token, `/users/delta?$select=${ALL_USER_PROPS}`);
    expect(validate(responseSchema('/users/microsoft.graph.delta()', '2XX'), usersInitial.body)).toEqual([]);
    const groupsInitial = await rawGet(
      tenant,
      token,
      `/groups/delta?$filter=id eq '${groupId}'&$select=displayName,members`,
    );
    expect(validate(responseSchema('/groups/microsoft.graph.delta()', '2XX'), groupsInitial.body)).toEqual(
      [],
    );

    const [changed, deleted] = await admin.listUsers({ offset: 2, limit: 2 });
    await admin.updateUser(changed.id, { jobTitle: 'New, title' });
    await admin.deleteUser(deleted.id);
    const userChanges = await rawGet(tenant, token, usersInitial.body['@odata.deltaLink']);
    expect(userChanges.body.value).toContainEqual({ id: deleted.id, '@removed': { reason: 'changed' } });
    expect(validate(responseSchema('/users/microsoft.graph.delta()', '2XX'), userChanges.body)).toEqual([]);
    const groupChanges = await rawGet(tenant, token, groupsInitial.body['@odata.deltaLink']);
    expect(groupChanges.body.value[0]['members@delta']).toContainEqual({
      '@odata.type': '#microsoft.graph.user',
      id: deleted.id,
      '@removed': { reason: 'deleted' },
    });
    expect(validate(responseSchema('/groups/microsoft.graph.delta()', '2XX'), groupChanges.body)).toEqual([]);
  });

  it('when requests fail (401, 403, 404, 400, 410, 429), then the bodies validate as ODataError', async () => {
    const { tenant: limited } = await freshTenant({ users: 2, roles: ['User.Read.All'] });
    const limitedToken = await rawToken(limited);
    const cases: [string, string, Record<string, string>, number, string][] = [
      ['', `/groups/${groupId}`, {}, 401, 'InvalidAuthenticationToken'],
      [limitedToken, `/groups/${limited.groups[0].id}/members`, {}, 403, 'Authorization_RequestDenied'],
      [token, '/groups/00000000-0000-4000-8000-000000000000', {}, 404, 'Request_ResourceNotFound'],
      [token, `/groups/${groupId}/members?$top=1000`, {}, 400, 'Request_BadRequest'],
      [token, '/users?$search="displayName:a"', {}, 400, 'Request_UnsupportedQuery'],
      [token, '/users/delta?$deltatoken=expired', {}, 410, 'syncStateNotFound'],
      [
        token,
        `/groups/${groupId}/transitiveMembers/microsoft.graph.user`,
        {},
        400,
        'Request_UnsupportedQuery',
      ],
      [
        token,
        '/users/00000000-0000-4000-8000-000000000000/photo/$value',
        {},
        404,
        'Request_ResourceNotFound',
      ],
    ];
    for (const [bearer, path, headers, status, code] of cases) {
      const response = await rawGet(tenant, bearer, path, headers);
      expect([path, response.status, response.body.error?.code]).toEqual([path, status, code]);
      expect(validate(schemaRef('microsoft.graph.ODataErrors.ODataError'), response.body)).toEqual([]);
      expect(response.body.error.innerError).toEqual(
        expect.objectContaining({ date: expect.any(String), 'request-id': expect.any(String) }),
      );
    }
    await admin.setFaults({ throttleRate: 1, retryAfterSeconds: 7 });
    const throttled = await rawGet(tenant, token, `/users/${userId}`);
    await admin.setFaults({ throttleRate: 0 });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect(validate(responseSchema('/users/{user-id}', 'default'), throttled.body)).toEqual([]);
  });

  it('when our client talks to Graph, then every request path and query option is one the published API has', async () => {
    await admin.resetCounters();
    const client = createEntraClient({ ...tenant }, emulatorOutbound());
    await client.getGroup(groupId);
    await client.listGroupUsers({ groupId, transitive: true, select: ['jobTitle'] });
    await client.listGroupUsers({ groupId, transitive: false, select: ['jobTitle'] });
    await client.getUser(userId, ['city']);
    await client.getPhoto(userId);
    await client.searchUsers({ search: 'an' });
    await client.groupMembersDelta({ groupId });
    await client.usersDelta({ select: ['department'] });
    const paths = graphSpec().paths;
    const known = new Set(['$select', '$top', '$filter', '$search', '$count', '$skiptoken', '$deltatoken']);
    for (const request of await admin.requests()) {
      const url = new URL(request.url, tenant.graphBaseUrl);
      expect(Object.keys(paths)).toContain(specPathOf(url.pathname));
      for (const name of url.searchParams.keys()) expect(known).toContain(name);
    }
  });
});
