import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_MODULES } from '../../api/app';
import { ADMIN_TOKEN, expectProblem, startApiTest, type ApiTestContext } from './support';

interface Ids {
  groupId: string;
  recipientId: string;
  runId: string;
}

interface BadInput {
  name: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string | ((ids: Ids) => string);
  body?: unknown;
  /** Sent as is, with this content type. */
  raw?: { text: string; type: string };
  admin?: boolean;
  status: number;
  /** A field the `errors` list must name. */
  field?: string;
}

const guid = () => randomUUID();
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const conn = { tenantId: guid(), clientId: guid(), clientSecret: 's3cret' };
const setting = { field: 'email', source: 'mail', sync: true, overwrite: true };
const group = (extra: object) => ({ entraGroupId: guid(), name: 'G', ...extra });
const big = 'x'.repeat(1_100_000);

const cases: BadInput[] = [
  // workspaces (admin)
  {
    name: 'workspace without name',
    method: 'post',
    path: '/v1/workspaces',
    admin: true,
    body: {},
    status: 400,
    field: 'body.name',
  },
  {
    name: 'workspace with empty name',
    method: 'post',
    path: '/v1/workspaces',
    admin: true,
    body: { name: '  ' },
    status: 400,
    field: 'body.name',
  },
  {
    name: 'workspace name of wrong type',
    method: 'post',
    path: '/v1/workspaces',
    admin: true,
    body: { name: 123 },
    status: 400,
    field: 'body.name',
  },
  {
    name: 'workspace with an unknown field',
    method: 'post',
    path: '/v1/workspaces',
    admin: true,
    body: { name: 'x', plan: 'gold' },
    status: 400,
    field: 'body.plan',
  },
  {
    name: 'malformed JSON',
    method: 'post',
    path: '/v1/workspaces',
    admin: true,
    raw: { text: '{"name":', type: 'application/json' },
    status: 400,
    field: 'body',
  },
  {
    name: 'JSON that is not an object',
    method: 'post',
    path: '/v1/workspaces',
    admin: true,
    raw: { text: '42', type: 'application/json' },
    status: 400,
  },
  {
    name: 'a body that is not JSON',
    method: 'post',
    path: '/v1/workspaces',
    admin: true,
    raw: { text: 'name=x', type: 'application/x-www-form-urlencoded' },
    status: 415,
  },
  // entra connection
  {
    name: 'connection without anything',
    method: 'put',
    path: '/v1/entra-connection',
    body: {},
    status: 400,
    field: 'body.clientSecret',
  },
  {
    name: 'tenant id that is neither GUID nor domain',
    method: 'put',
    path: '/v1/entra-connection',
    body: { ...conn, tenantId: 'not a tenant!' },
    status: 400,
    field: 'body.tenantId',
  },
  {
    name: 'client id not a GUID',
    method: 'put',
    path: '/v1/entra-connection',
    body: { ...conn, clientId: 'abc' },
    status: 400,
    field: 'body.clientId',
  },
  {
    name: 'empty client secret',
    method: 'put',
    path: '/v1/entra-connection',
    body: { ...conn, clientSecret: '' },
    status: 400,
    field: 'body.clientSecret',
  },
  {
    name: 'authority host over http',
    method: 'put',
    path: '/v1/entra-connection',
    body: { ...conn, authorityHost: 'http://login.example' },
    status: 400,
    field: 'body.authorityHost',
  },
  {
    name: 'graph base URL with a path',
    method: 'put',
    path: '/v1/entra-connection',
    body: { ...conn, graphBaseUrl: 'https://graph.example/v1.0' },
    status: 400,
    field: 'body.graphBaseUrl',
  },
  {
    name: 'authority host not a URL',
    method: 'put',
    path: '/v1/entra-connection',
    body: { ...conn, authorityHost: 'login' },
    status: 400,
    field: 'body.authorityHost',
  },
  // field settings
  {
    name: 'field settings not a list',
    method: 'put',
    path: '/v1/field-settings',
    body: { email: 'mail' },
    status: 400,
    field: 'body',
  },
  {
    name: 'field settings empty',
    method: 'put',
    path: '/v1/field-settings',
    body: [],
    status: 400,
    field: 'body',
  },
  {
    name: 'unknown recipient field',
    method: 'put',
    path: '/v1/field-settings',
    body: [setting, { ...setting, field: 'shoeSize' }],
    status: 400,
    field: 'body[1].field',
  },
  {
    name: 'Graph source that does not parse',
    method: 'put',
    path: '/v1/field-settings',
    body: [{ ...setting, source: 'mail; drop' }],
    status: 400,
    field: 'body[0].source',
  },
  {
    name: 'sync toggle of wrong type',
    method: 'put',
    path: '/v1/field-settings',
    body: [{ ...setting, sync: 'yes' }],
    status: 400,
    field: 'body[0].sync',
  },
  {
    name: 'a field listed twice',
    method: 'put',
    path: '/v1/field-settings',
    body: [setting, setting],
    status: 400,
    field: 'body[1].field',
  },
  {
    name: 'email not synced',
    method: 'put',
    path: '/v1/field-settings',
    body: [{ ...setting, sync: false }],
    status: 400,
    field: 'body[0].sync',
  },
  {
    name: 'email missing',
    method: 'put',
    path: '/v1/field-settings',
    body: [{ ...setting, field: 'jobTitle', source: 'jobTitle' }],
    status: 400,
    field: 'body',
  },
  {
    name: 'field setting with an unknown key',
    method: 'put',
    path: '/v1/field-settings',
    body: [{ ...setting, lock: true }],
    status: 400,
    field: 'body[0].lock',
  },
  // directory
  {
    name: 'directory limit 0',
    method: 'get',
    path: '/v1/directory/users?limit=0',
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'directory limit not a number',
    method: 'get',
    path: '/v1/directory/users?limit=abc',
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'directory cursor forged',
    method: 'get',
    path: `/v1/directory/groups?cursor=${b64({ v: 'x https://evil.example/', m: 'AAAA' })}`,
    status: 400,
    field: 'query.cursor',
  },
  {
    name: 'directory empty search',
    method: 'get',
    path: '/v1/directory/users?search=',
    status: 400,
    field: 'query.search',
  },
  // groups
  {
    name: 'group without Entra id',
    method: 'post',
    path: '/v1/groups',
    body: {},
    status: 400,
    field: 'body.entraGroupId',
  },
  {
    name: 'group Entra id not a GUID',
    method: 'post',
    path: '/v1/groups',
    body: { entraGroupId: 'sales' },
    status: 400,
    field: 'body.entraGroupId',
  },
  {
    name: 'unknown disabledUsers option',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { disabledUsers: 'explode' } }),
    status: 400,
    field: 'body.syncOptions.disabledUsers',
  },
  {
    name: 'unknown removedUsers option',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { removedUsers: 'nuke' } }),
    status: 400,
    field: 'body.syncOptions.removedUsers',
  },
  {
    name: 'deletedUsers cannot be keep',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { deletedUsers: 'keep' } }),
    status: 400,
    field: 'body.syncOptions.deletedUsers',
  },
  {
    name: 'approval timeout of 0 hours',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { approvalTimeoutHours: 0 } }),
    status: 400,
    field: 'body.syncOptions.approvalTimeoutHours',
  },
  {
    name: 'approval timeout over 720 hours',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { approvalTimeoutHours: 721 } }),
    status: 400,
    field: 'body.syncOptions.approvalTimeoutHours',
  },
  {
    name: 'approval timeout not whole hours',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { approvalTimeoutHours: 1.5 } }),
    status: 400,
    field: 'body.syncOptions.approvalTimeoutHours',
  },
  {
    name: 'threshold percent over 100',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { deletionThreshold: { maxPercent: 150 } } }),
    status: 400,
    field: 'body.syncOptions.deletionThreshold.maxPercent',
  },
  {
    name: 'threshold count negative',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { deletionThreshold: { maxCount: -1 } } }),
    status: 400,
    field: 'body.syncOptions.deletionThreshold.maxCount',
  },
  {
    name: 'threshold count fractional',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { deletionThreshold: { maxCount: 1.5 } } }),
    status: 400,
    field: 'body.syncOptions.deletionThreshold.maxCount',
  },
  {
    name: 'boolean option as a string',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { includeGuests: 'true' } }),
    status: 400,
    field: 'body.syncOptions.includeGuests',
  },
  {
    name: 'misspelt sync option',
    method: 'post',
    path: '/v1/groups',
    body: group({ syncOptions: { includeNestedGroup: true } }),
    status: 400,
    field: 'body.syncOptions.includeNestedGroup',
  },
  {
    name: 'card template with an unknown field',
    method: 'post',
    path: '/v1/groups',
    body: group({ cardTemplate: { fields: ['shoeSize'] } }),
    status: 400,
    field: 'body.cardTemplate.fields[0]',
  },
  {
    name: 'card template company key with spaces',
    method: 'post',
    path: '/v1/groups',
    body: group({ cardTemplate: { company: { 'logo url': 'x' } } }),
    status: 400,
    field: 'body.cardTemplate.company.logo url',
  },
  {
    name: 'a JSON array as the group',
    method: 'post',
    path: '/v1/groups',
    body: [group({})],
    status: 400,
    field: 'body',
  },
  {
    name: 'empty group patch',
    method: 'patch',
    path: (i) => `/v1/groups/${i.groupId}`,
    body: {},
    status: 400,
    field: 'body',
  },
  {
    name: 'group patch with empty name',
    method: 'patch',
    path: (i) => `/v1/groups/${i.groupId}`,
    body: { name: '' },
    status: 400,
    field: 'body.name',
  },
  {
    name: 'group id not a UUID',
    method: 'get',
    path: '/v1/groups/not-a-uuid',
    status: 400,
    field: 'params.id',
  },
  {
    name: 'group id with SQL in it',
    method: 'delete',
    path: `/v1/groups/${encodeURIComponent("1' or '1'='1")}`,
    status: 400,
    field: 'params.id',
  },
  {
    name: 'limit above the maximum',
    method: 'get',
    path: '/v1/groups?limit=201',
    status: 400,
    field: 'query.limit',
  },
  { name: 'negative limit', method: 'get', path: '/v1/groups?limit=-1', status: 400, field: 'query.limit' },
  {
    name: 'cursor that is not base64 JSON',
    method: 'get',
    path: '/v1/groups?cursor=!!!',
    status: 400,
    field: 'query.cursor',
  },
  {
    name: 'cursor of the wrong shape',
    method: 'get',
    path: `/v1/groups?cursor=${b64({ id: 5 })}`,
    status: 400,
    field: 'query.cursor',
  },
  {
    name: 'unknown query parameter',
    method: 'get',
    path: '/v1/groups?sort=name',
    status: 400,
    field: 'query.sort',
  },
  {
    name: 'repeated query parameter',
    method: 'get',
    path: '/v1/groups?limit=1&limit=2',
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'group sync full as a string',
    method: 'post',
    path: (i) => `/v1/groups/${i.groupId}/sync`,
    body: { full: 'yes' },
    status: 400,
    field: 'body.full',
  },
  // recipients
  {
    name: 'recipient without email',
    method: 'post',
    path: '/v1/recipients',
    body: { firstName: 'A' },
    status: 400,
    field: 'body.email',
  },
  {
    name: 'recipient email not an email',
    method: 'post',
    path: '/v1/recipients',
    body: { email: 'not-an-email' },
    status: 400,
    field: 'body.email',
  },
  {
    name: 'recipient field of wrong type',
    method: 'post',
    path: '/v1/recipients',
    body: { email: 'a@b.example', firstName: 42 },
    status: 400,
    field: 'body.firstName',
  },
  {
    name: 'locking an unknown field',
    method: 'post',
    path: '/v1/recipients',
    body: { email: 'a@b.example', lockedFields: ['nope'] },
    status: 400,
    field: 'body.lockedFields[0]',
  },
  {
    name: 'custom field name with spaces',
    method: 'post',
    path: '/v1/recipients',
    body: { email: 'a@b.example', customFields: { 'my field': 'x' } },
    status: 400,
    field: 'body.customFields.my field',
  },
  {
    name: 'setting status on create',
    method: 'post',
    path: '/v1/recipients',
    body: { email: 'a@b.example', status: 'deleted' },
    status: 400,
    field: 'body.status',
  },
  {
    name: 'empty recipient patch',
    method: 'patch',
    path: (i) => `/v1/recipients/${i.recipientId}`,
    body: {},
    status: 400,
    field: 'body',
  },
  {
    name: 'email cleared by patch',
    method: 'patch',
    path: (i) => `/v1/recipients/${i.recipientId}`,
    body: { email: null },
    status: 400,
    field: 'body.email',
  },
  {
    name: 'field too long',
    method: 'patch',
    path: (i) => `/v1/recipients/${i.recipientId}`,
    body: { jobTitle: 'x'.repeat(1001) },
    status: 400,
    field: 'body.jobTitle',
  },
  {
    name: 'unknown recipient status filter',
    method: 'get',
    path: '/v1/recipients?status=gone',
    status: 400,
    field: 'query.status',
  },
  {
    name: 'group filter not a UUID',
    method: 'get',
    path: '/v1/recipients?groupId=sales',
    status: 400,
    field: 'query.groupId',
  },
  { name: 'empty text search', method: 'get', path: '/v1/recipients?q=', status: 400, field: 'query.q' },
  {
    name: 'a NUL character in a text search',
    method: 'get',
    path: '/v1/recipients?q=a%00b',
    status: 400,
    field: 'query.q',
  },
  {
    name: 'a NUL character in a custom field',
    method: 'post',
    path: '/v1/recipients',
    body: { email: 'nul@example.com', customFields: { team: 'a\u0000b' } },
    status: 400,
    field: 'body.customFields.team',
  },
  {
    name: 'recipient sync without mode',
    method: 'post',
    path: (i) => `/v1/recipients/${i.recipientId}/sync`,
    body: {},
    status: 400,
    field: 'body.mode',
  },
  {
    name: 'unknown recipient sync mode',
    method: 'post',
    path: (i) => `/v1/recipients/${i.recipientId}/sync`,
    body: { mode: 'everything' },
    status: 400,
    field: 'body.mode',
  },
  {
    name: 'import of no ids',
    method: 'post',
    path: '/v1/recipients/import',
    body: { entraUserIds: [] },
    status: 400,
    field: 'body.entraUserIds',
  },
  {
    name: 'import of 1001 ids',
    method: 'post',
    path: '/v1/recipients/import',
    body: { entraUserIds: Array.from({ length: 1001 }, guid) },
    status: 400,
    field: 'body.entraUserIds',
  },
  {
    name: 'import id not a GUID',
    method: 'post',
    path: '/v1/recipients/import',
    body: { entraUserIds: [guid(), 'bob'] },
    status: 400,
    field: 'body.entraUserIds[1]',
  },
  {
    name: 'import ids not a list',
    method: 'post',
    path: '/v1/recipients/import',
    body: { entraUserIds: guid() },
    status: 400,
    field: 'body.entraUserIds',
  },
  // sync runs and cards
  {
    name: 'unknown run status filter',
    method: 'get',
    path: '/v1/sync-runs?status=done',
    status: 400,
    field: 'query.status',
  },
  {
    name: 'unknown run kind filter',
    method: 'get',
    path: '/v1/sync-runs?kind=everything',
    status: 400,
    field: 'query.kind',
  },
  {
    name: 'run cursor of the wrong shape',
    method: 'get',
    path: `/v1/sync-runs?cursor=${b64({ startedAt: 1 })}`,
    status: 400,
    field: 'query.cursor',
  },
  {
    name: 'run cursor with a time that is not one',
    method: 'get',
    path: `/v1/sync-runs?cursor=${b64({ startedAt: 'yesterday', id: guid() })}`,
    status: 400,
    field: 'query.cursor',
  },
  { name: 'run id not a UUID', method: 'get', path: '/v1/sync-runs/123', status: 400, field: 'params.id' },
  {
    name: 'changes limit too large',
    method: 'get',
    path: (i) => `/v1/sync-runs/${i.runId}/changes?limit=1000`,
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'changes cursor not a number',
    method: 'get',
    path: (i) => `/v1/sync-runs/${i.runId}/changes?cursor=${b64('five')}`,
    status: 400,
    field: 'query.cursor',
  },
  {
    name: 'approve with a bad id',
    method: 'post',
    path: '/v1/sync-runs/nope/approve',
    status: 400,
    field: 'params.id',
  },
  { name: 'vCard of a bad id', method: 'get', path: '/v1/cards/xyz/vcard', status: 400, field: 'params.id' },
  {
    name: 'cards limit 0',
    method: 'get',
    path: (i) => `/v1/recipients/${i.recipientId}/cards?limit=0`,
    status: 400,
    field: 'query.limit',
  },
  {
    name: 'revoking a key with a bad id',
    method: 'delete',
    path: '/v1/api-keys/nope',
    status: 400,
    field: 'params.id',
  },
  // size, method, path
  {
    name: 'oversize recipient body',
    method: 'post',
    path: '/v1/recipients',
    body: { email: 'a@b.example', jobTitle: big },
    status: 413,
  },
  {
    name: 'oversize import body',
    method: 'post',
    path: '/v1/recipients/import',
    raw: { text: JSON.stringify({ entraUserIds: [big] }), type: 'application/json' },
    status: 413,
  },
  { name: 'wrong method on a collection', method: 'put', path: '/v1/groups', body: {}, status: 405 },
  {
    name: 'wrong method on an item',
    method: 'put',
    path: (i) => `/v1/recipients/${i.recipientId}`,
    body: {},
    status: 405,
  },
  // workspace cards, photos, manual lifecycle
  {
    name: 'workspace card template with an unknown field',
    method: 'put',
    path: '/v1/card-template',
    body: { fields: ['displayName', 'shoeSize'], company: {} },
    status: 400,
    field: 'body.fields[1]',
  },
  {
    name: 'workspace card template without company',
    method: 'put',
    path: '/v1/card-template',
    body: { fields: ['displayName'] },
    status: 400,
    field: 'body.company',
  },
  {
    name: 'workspace card template with a field twice',
    method: 'put',
    path: '/v1/card-template',
    body: { fields: ['email', 'email'], company: {} },
    status: 400,
    field: 'body.fields',
  },
  {
    name: 'a workspace card for a bad recipient id',
    method: 'post',
    path: '/v1/recipients/nope/cards',
    status: 400,
    field: 'params.id',
  },
  {
    name: 'a workspace card for an unknown recipient',
    method: 'post',
    path: () => `/v1/recipients/${guid()}/cards`,
    status: 404,
  },
  {
    name: 'import with createCards not a boolean',
    method: 'post',
    path: '/v1/recipients/import',
    body: { entraUserIds: [guid()], createCards: 'yes' },
    status: 400,
    field: 'body.createCards',
  },
  {
    name: 'photo as text/plain',
    method: 'put',
    path: (i) => `/v1/recipients/${i.recipientId}/photo`,
    raw: { text: 'not an image', type: 'text/plain' },
    status: 415,
  },
  {
    name: 'photo whose bytes are not the PNG they claim',
    method: 'put',
    path: (i) => `/v1/recipients/${i.recipientId}/photo`,
    raw: { text: 'GIF89a pretending', type: 'image/png' },
    status: 415,
  },
  {
    name: 'photo as JSON',
    method: 'put',
    path: (i) => `/v1/recipients/${i.recipientId}/photo`,
    body: { photo: 'base64?' },
    status: 415,
  },
  {
    name: 'photo over 4 MB',
    method: 'put',
    path: (i) => `/v1/recipients/${i.recipientId}/photo`,
    raw: { text: 'x'.repeat(4 * 1024 * 1024 + 1), type: 'image/jpeg' },
    status: 413,
  },
  {
    name: 'empty photo',
    method: 'put',
    path: (i) => `/v1/recipients/${i.recipientId}/photo`,
    raw: { text: '', type: 'image/jpeg' },
    status: 400,
  },
  {
    name: 'photo of a recipient who has none',
    method: 'get',
    path: (i) => `/v1/recipients/${i.recipientId}/photo`,
    status: 404,
  },
  {
    name: 'photo of an unknown recipient',
    method: 'delete',
    path: () => `/v1/recipients/${guid()}/photo`,
    status: 404,
  },
  {
    name: 'deactivating a bad recipient id',
    method: 'post',
    path: '/v1/recipients/nope/deactivate',
    status: 400,
    field: 'params.id',
  },
  {
    name: 'reactivating an unknown recipient',
    method: 'post',
    path: () => `/v1/recipients/${guid()}/reactivate`,
    status: 404,
  },
  {
    name: 'erase that is neither true nor false',
    method: 'delete',
    path: (i) => `/v1/recipients/${i.recipientId}?erase=yes`,
    status: 400,
    field: 'query.erase',
  },
  {
    name: 'erasing an unknown recipient',
    method: 'delete',
    path: () => `/v1/recipients/${guid()}?erase=true`,
    status: 404,
  },
  {
    name: 'deleting an unknown recipient',
    method: 'delete',
    path: () => `/v1/recipients/${guid()}`,
    status: 404,
  },
  { name: 'wrong method on a static sub-path', method: 'get', path: '/v1/recipients/import', status: 405 },
  { name: 'unknown path', method: 'get', path: '/v1/nothing-here', status: 404 },
  { name: 'unknown id', method: 'get', path: () => `/v1/groups/${guid()}`, status: 404 },
  { name: 'broken percent-encoding in the path', method: 'get', path: '/v1/groups/%E0%A4%A', status: 400 },
];

// The schedules routes are another module; their bad input joins the table once the app serves them.
const schedulesServed = ROUTE_MODULES.some((m) => m.name === 'scheduleRoutes');
const scheduleCases: BadInput[] = [
  {
    name: 'a cron string that does not parse',
    method: 'post',
    path: (i) => `/v1/groups/${i.groupId}/schedules`,
    body: { cron: 'every day at 6', timezone: 'Europe/Zurich' },
    status: 400,
  },
  {
    name: 'a cron string with too many fields',
    method: 'post',
    path: (i) => `/v1/groups/${i.groupId}/schedules`,
    body: { cron: '0 6 * * * * * *', timezone: 'Europe/Zurich' },
    status: 400,
  },
  {
    name: 'a cron minute out of range',
    method: 'post',
    path: (i) => `/v1/groups/${i.groupId}/schedules`,
    body: { cron: '61 6 * * *', timezone: 'Europe/Zurich' },
    status: 400,
  },
  {
    name: 'an unknown time zone',
    method: 'post',
    path: (i) => `/v1/groups/${i.groupId}/schedules`,
    body: { cron: '0 6 * * *', timezone: 'Mars/Olympus' },
    status: 400,
  },
];
if (schedulesServed) cases.push(...scheduleCases);

describe('bad input', () => {
  let t: ApiTestContext;
  let apiKey: string;
  let ids: Ids;
  beforeAll(async () => {
    t = await startApiTest();
    const ws = await t.createWorkspace();
    apiKey = ws.apiKey;
    const auth = { Authorization: `Bearer ${apiKey}` };
    const g = await request(t.app).post('/v1/groups').set(auth).send({ entraGroupId: guid(), name: 'G' });
    const r = await request(t.app).post('/v1/recipients').set(auth).send({ email: 'valid@example.com' });
    const run = await t.db
      .insertInto('syncRuns')
      .values({
        workspaceId: ws.id,
        kind: 'import',
        trigger: 'api',
        status: 'completed',
        params: '{}',
        counts: '{}',
        checkpoint: '{}',
        workflowId: 'x',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids = { groupId: g.body.id, recipientId: r.body.id, runId: run.id };
  });
  afterAll(async () => t?.close());

  it('when the table is counted, then it has at least 50 bad inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)('when $name, then it answers $status problem+json naming the problem', async (c) => {
    const path = typeof c.path === 'function' ? c.path(ids) : c.path;
    let req = request(t.app)
      [c.method](path)
      .set('Authorization', `Bearer ${c.admin ? ADMIN_TOKEN : apiKey}`);
    if (c.raw) req = req.set('Content-Type', c.raw.type).send(c.raw.text);
    else if (c.body !== undefined) req = req.send(c.body as object);
    const res = await req;
    expectProblem(res, c.status);
    expect(res.body.detail.length).toBeGreaterThan(10);
    if (c.field) {
      expect(res.body.errors, res.text).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: c.field, message: expect.any(String) })]),
      );
    }
    if (c.status === 405) expect(res.headers.allow).toBeTruthy();
  });
});
