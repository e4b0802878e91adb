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

export const ApiKey = z
  .object({
    id: uuid,
    prefix: z.string().meta({ description: 'the first characters of the key, to tell keys apart' }),
    createdAt: timestamp,
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyCreated = ApiKey.extend({
  apiKey: z.string().meta({ description: 'shown this once' }),
}).meta({ id: 'ApiKeyCreated' });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;

export const ApiKeyList = pageSchema(ApiKey, 'ApiKeyList');
