import { z } from 'zod';
import { GUID_PATTERN, timestamp } from './common';

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';

const DOMAIN = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;

/** An https origin (scheme, host, optional port), stored without a trailing slash. */
const httpsOrigin = z
  .string()
  .max(500)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        url.protocol === 'https:' &&
        (url.pathname === '/' || url.pathname === '') &&
        !url.search &&
        !url.username
      );
    } catch {
      return false;
    }
  }, 'must be an https origin such as https://login.microsoftonline.com (no path, query or credentials)')
  .transform((value) => new URL(value).origin);

export const PutEntraConnectionBody = z.strictObject({
  tenantId: z
    .string()
    .refine(
      (v) => GUID_PATTERN.test(v) || DOMAIN.test(v),
      'must be the directory (tenant) id GUID or a verified domain such as contoso.onmicrosoft.com',
    ),
  clientId: z.string().regex(GUID_PATTERN, "must be the app registration's application (client) id, a GUID"),
  clientSecret: z.string().min(1).max(1024).meta({ description: 'stored encrypted; never returned' }),
  authorityHost: httpsOrigin.optional().meta({ description: `default ${DEFAULT_AUTHORITY_HOST}` }),
  graphBaseUrl: httpsOrigin.optional().meta({ description: `default ${DEFAULT_GRAPH_BASE_URL}` }),
});
export type PutEntraConnectionBody = z.infer<typeof PutEntraConnectionBody>;

export const EntraConnection = z
  .object({
    tenantId: z.string(),
    clientId: z.string(),
    authorityHost: z.string(),
    graphBaseUrl: z.string(),
    clientSecretSet: z.literal(true).meta({ description: 'the secret itself is never returned' }),
    updatedAt: timestamp,
  })
  .meta({ id: 'EntraConnection' });
export type EntraConnection = z.infer<typeof EntraConnection>;

export const ConnectionTestResult = z
  .object({
    ok: z.boolean(),
    missingPermissions: z.array(z.string()),
    detail: z.string(),
    errorCode: z
      .string()
      .optional()
      .meta({ description: 'why the test stopped early (e.g. invalid_credentials)' }),
  })
  .meta({ id: 'ConnectionTestResult' });
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;
