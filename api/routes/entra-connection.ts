import { encryptSecret } from '../../config/secret-box';
import {
  getEntraConnectionSummary,
  saveEntraConnection,
  type EntraConnectionSummary,
} from '../../db/repositories/entra-connection-settings';
import type { ApiContext } from '../context';
import { requireAllowedConnectionHosts } from '../connection-hosts';
import { callEntra, requireConnection } from '../entra';
import { HttpProblem } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { Problem } from '../schemas/common';
import {
  ConnectionTestResult,
  DEFAULT_AUTHORITY_HOST,
  DEFAULT_GRAPH_BASE_URL,
  EntraConnection,
  PutEntraConnectionBody,
} from '../schemas/entra-connection';

const toConnection = (row: EntraConnectionSummary): EntraConnection => ({
  tenantId: row.tenantId,
  clientId: row.clientId,
  authorityHost: row.authorityHost,
  graphBaseUrl: row.graphBaseUrl,
  clientSecretSet: true,
  updatedAt: row.updatedAt.toISOString(),
});

/** The workspace's Entra app registration; the client secret goes in and never comes out. */
export function entraConnectionRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    defineRoute({
      method: 'put',
      path: '/v1/entra-connection',
      operationId: 'putEntraConnection',
      summary: 'Set the Entra connection (tenant, app id, secret)',
      description:
        'The secret is stored encrypted (AES-256-GCM) and never returned. Check it with POST /v1/entra-connection/test.',
      tag: 'entra',
      auth: 'workspace',
      body: PutEntraConnectionBody,
      responses: {
        200: { description: 'stored', schema: EntraConnection },
        400: {
          description:
            "invalid, or a host outside Microsoft's clouds that the operator has not allowed (OUTBOUND_ALLOW_HOSTS); `rule` names the outbound rule",
          schema: Problem,
        },
      },
      async handler({ workspaceId, body }) {
        const hosts = {
          authorityHost: body.authorityHost ?? DEFAULT_AUTHORITY_HOST,
          graphBaseUrl: body.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL,
        };
        requireAllowedConnectionHosts(ctx.outboundPolicy, hosts);
        const row = await saveEntraConnection(ctx.db, workspaceId, {
          tenantId: body.tenantId,
          clientId: body.clientId,
          clientSecretEncrypted: encryptSecret(body.clientSecret, ctx.config.encryptionKey, workspaceId),
          ...hosts,
        });
        return reply(200, toConnection(row));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/entra-connection',
      operationId: 'getEntraConnection',
      summary: 'The Entra connection, without its secret',
      tag: 'entra',
      auth: 'workspace',
      responses: {
        200: { description: 'the connection', schema: EntraConnection },
        404: { description: 'none set', schema: Problem },
      },
      async handler({ workspaceId }) {
        const row = await getEntraConnectionSummary(ctx.db, workspaceId);
        if (!row)
          throw new HttpProblem(
            404,
            'this workspace has no Entra connection yet: set one with PUT /v1/entra-connection',
          );
        return reply(200, toConnection(row));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/entra-connection/test',
      operationId: 'testEntraConnection',
      summary: 'Sign in with the stored credentials and check the Graph permissions',
      description:
        'Answers 200 with ok=false, the missing permissions and what to do when the app lacks some or Entra rejects the credentials; 422 when Graph refuses for a reason the test could not classify.',
      tag: 'entra',
      auth: 'workspace',
      responses: {
        200: { description: 'the result', schema: ConnectionTestResult },
        409: { description: 'no connection set', schema: Problem },
        422: { description: 'credentials rejected by Entra', schema: Problem },
        502: { description: 'Graph unreachable', schema: Problem },
      },
      async handler({ workspaceId }) {
        const conn = await requireConnection(ctx.db, workspaceId, ctx.config.encryptionKey);
        const client = ctx.entraClientFor(conn, { onRequest: ctx.metrics.graphRequest });
        const result = await callEntra(() => client.testConnection());
        return reply(200, {
          ok: result.ok,
          missingPermissions: result.missingPermissions ?? [],
          detail: result.detail ?? '',
          ...(result.errorCode ? { errorCode: result.errorCode } : {}),
        });
      },
    }),
  ];
}
