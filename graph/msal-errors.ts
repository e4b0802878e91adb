import { AuthError, ServerError } from '@azure/msal-node';
import { EntraError } from './errors';
import { findOutboundRefusal } from '../net/outbound-refused';
import { classifyTransportFailure, isTlsTrustFailure, outboundRefused, tlsUntrusted } from './network-errors';
import type { EntraConnection } from './types';

function aadstsNumber(err: AuthError): number | null {
  const fromNo = Number((err as ServerError).errorNo);
  if (Number.isFinite(fromNo) && fromNo > 0) return fromNo;
  const match = /AADSTS(\d+)/.exec(`${err.errorMessage} ${err.message}`);
  return match ? Number(match[1]) : null;
}

/** Turns what MSAL throws into an EntraError whose message tells an admin what to fix. */
export function classifyMsalError(err: unknown, conn: EntraConnection): EntraError {
  const host = safeHost(conn.authorityHost);
  if (!(err instanceof AuthError)) return classifyTransportFailure(host, err, 'Entra ID sign-in');
  const refusal = findOutboundRefusal(err);
  if (refusal) return outboundRefused('Entra ID sign-in', refusal);
  if (err.errorCode === 'graph_limit_exceeded')
    return new EntraError('graph_limit_exceeded', err.errorMessage, { cause: err });
  const aadsts = aadstsNumber(err);
  const details = {
    graphCode: aadsts ? `AADSTS${aadsts}` : err.errorCode,
    status: (err as ServerError).status,
    cause: err,
  };
  const app = `app ${conn.clientId} in tenant ${conn.tenantId}`;
  switch (aadsts) {
    case 7000215:
      return new EntraError('invalid_credentials',
        `Entra ID rejected the client secret of ${app} (AADSTS7000215): update the connection with the secret's Value (not its Secret ID) from App registrations → Certificates & secrets.`, details); // prettier-ignore
    case 7000222:
      return new EntraError('invalid_credentials',
        `The client secret of ${app} has expired (AADSTS7000222): create a new client secret in App registrations → Certificates & secrets and update the connection.`, details); // prettier-ignore
    case 7000216:
      return new EntraError(
        'invalid_credentials',
        `No client secret was sent for ${app} (AADSTS7000216): save the connection with its client secret.`,
        details,
      );
    case 700016:
      return new EntraError('invalid_credentials',
        `Application ${conn.clientId} was not found in tenant ${conn.tenantId} (AADSTS700016): check the client id and tenant id of the connection, or have an admin of that tenant consent to the app.`, details); // prettier-ignore
    case 90002:
    case 900023:
      return unknownTenant(conn, details);
    case 500011:
      return new EntraError(
        'bad_request',
        `Entra ID does not know the resource ${conn.graphBaseUrl} (AADSTS500011): check the connection's Graph base URL.`,
        details,
      );
  }
  if (err.errorCode === 'openid_config_error' || err.errorCode === 'endpoints_resolution_error') {
    // MSAL hides why discovery failed; the caller probes the discovery document to tell which.
    return new EntraError(
      'network',
      `Entra ID sign-in metadata for tenant ${conn.tenantId} could not be read from ${host}.`,
      details,
    );
  }
  if (err.errorCode === 'network_error' || err.errorCode === 'network_request_failed') {
    return isTlsTrustFailure(err)
      ? tlsUntrusted(host, err)
      : classifyTransportFailure(host, err, 'Entra ID sign-in');
  }
  const status = (err as ServerError).status;
  if (status !== undefined && (status >= 500 || status === 429)) {
    return new EntraError(
      'graph_unavailable',
      `Entra ID sign-in at ${host} is unavailable (HTTP ${status}); the call will be retried.`,
      details,
    );
  }
  return new EntraError(
    'invalid_credentials',
    `Entra ID refused a token for ${app}: ${err.errorMessage || err.message}. Check the connection's tenant id, client id and secret.`,
    details,
  );
}

export function unknownTenant(
  conn: EntraConnection,
  details: { cause?: unknown; graphCode?: string } = {},
): EntraError {
  return new EntraError('unknown_tenant',
    `Tenant ${conn.tenantId} does not exist at ${safeHost(conn.authorityHost)} (AADSTS90002): check the connection's tenant id (Entra ID → Overview → Tenant ID).`,
    { graphCode: 'AADSTS90002', ...details }); // prettier-ignore
}

export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
