import { inject } from 'vitest';
import {
  createEmulatorControl,
  type CreateTenantInput,
  type EmulatedTenant,
} from '../../../emulator/control-client';
import type { EntraConnection } from '../../../graph/entra-client';

/** The emulator the global setup started (test/global-setup.ts or test/graph/local-setup.ts). */
export function emulatorControl() {
  return createEmulatorControl(inject('emulatorUrl'));
}

export function connectionOf(
  tenant: EmulatedTenant,
  overrides: Partial<EntraConnection> = {},
): EntraConnection {
  return {
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    authorityHost: tenant.authorityHost,
    graphBaseUrl: tenant.graphBaseUrl,
    ...overrides,
  };
}

/** A fresh tenant whose user traits are exact (no random guests, deletions…) unless asked. */
export async function freshTenant(input: CreateTenantInput = {}) {
  const control = emulatorControl();
  const tenant = await control.createTenant(input);
  return { control, tenant, admin: control.tenant(tenant.tenantId), conn: connectionOf(tenant) };
}

export const PLAIN_TRAITS = { disabled: 0, guest: 0, softDeleted: 0, noMail: 0, photo: 0 };

/** A Graph token obtained directly from the emulator's token endpoint, for raw-response tests. */
export async function rawToken(tenant: EmulatedTenant): Promise<string> {
  const response = await fetch(`${tenant.authorityHost}/${tenant.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
      scope: `${tenant.graphBaseUrl}/.default`,
    }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

export async function rawGet(
  tenant: EmulatedTenant,
  token: string,
  pathOrUrl: string,
  headers: Record<string, string> = {},
) {
  const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${tenant.graphBaseUrl}/v1.0${pathOrUrl}`;
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, ...headers } });
  const contentType = response.headers.get('content-type') ?? '';
  const body = contentType.includes('json')
    ? await response.json()
    : Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body: body as any };
}
