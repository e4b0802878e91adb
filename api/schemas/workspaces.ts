import { z } from 'zod';
import { pageSchema } from '../http/pagination';
import { timestamp, uuid } from './common';

export const CreateWorkspaceBody = z.strictObject({ name: z.string().trim().min(1).max(200) });
export type CreateWorkspaceBody = z.infer<typeof CreateWorkspaceBody>;

export const WorkspaceCreated = z
  .object({
    id: uuid,
    name: z.string(),
    apiKey: z.string().meta({ description: 'the workspace API key; shown this once, store it now' }),
    apiKeyId: uuid,
    createdAt: timestamp,
  })
  .meta({ id: 'WorkspaceCreated' });
export type WorkspaceCreated = z.infer<typeof WorkspaceCreated>;

export const UpdateWorkspaceBody = z.strictObject({
  disabled: z
    .boolean()
    .meta({ description: 'true: every key of the workspace answers 403 until it is false again' }),
});
export type UpdateWorkspaceBody = z.infer<typeof UpdateWorkspaceBody>;

export const Workspace = z
  .object({
    id: uuid,
    name: z.string(),
    disabled: z.boolean(),
    disabledAt: timestamp.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'Workspace' });
export type Workspace = z.infer<typeof Workspace>;

export const ApiKey = z
  .object({
    id: uuid,
    prefix: z.string().meta({ description: 'the first characters of the key, to tell keys apart' }),
    createdAt: timestamp,
    revokedAt: timestamp.nullable(),
    expiresAt: timestamp.nullable().meta({ description: 'past it the key answers 401; null: no expiry' }),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyCreated = ApiKey.extend({
  apiKey: z.string().meta({ description: 'shown this once' }),
}).meta({ id: 'ApiKeyCreated' });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;

export const ApiKeyList = pageSchema(ApiKey, 'ApiKeyList');

/** The body is optional: no body makes a key that does not expire. */
export const CreateApiKeyBody = z
  .strictObject({
    expiresAt: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z' })
      .refine((value) => Date.parse(value) > Date.now(), 'must be in the future')
      .optional()
      .meta({ description: 'when the key stops working; omitted: never' }),
  })
  .optional();
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const WorkspaceKeyParams = z.strictObject({ id: uuid, keyId: uuid });
export type WorkspaceKeyParams = z.infer<typeof WorkspaceKeyParams>;
