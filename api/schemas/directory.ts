import { z } from 'zod';
import { cursorParam, pageSchema } from '../http/pagination';

export const DirectoryQuery = z.strictObject({
  search: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'name or email starts with / contains (Graph $search)' }),
  limit: z.coerce.number().int().min(1).max(200).default(25),
  cursor: cursorParam,
});
export type DirectoryQuery = z.infer<typeof DirectoryQuery>;

export const DirectoryUser = z
  .object({
    id: z.string(),
    displayName: z.string().nullable(),
    mail: z.string().nullable(),
    userPrincipalName: z.string().nullable(),
    jobTitle: z.string().nullable(),
    department: z.string().nullable(),
    accountEnabled: z.boolean().nullable(),
    userType: z.string().nullable(),
    recipientId: z
      .string()
      .nullable()
      .meta({ description: 'set when this user is already a recipient here' }),
  })
  .meta({ id: 'DirectoryUser' });
export type DirectoryUser = z.infer<typeof DirectoryUser>;
export const DirectoryUserPage = pageSchema(DirectoryUser, 'DirectoryUserPage');

export const DirectoryGroup = z
  .object({
    id: z.string(),
    displayName: z.string().nullable(),
    description: z.string().nullable(),
    mail: z.string().nullable(),
    groupId: z.string().nullable().meta({ description: 'set when this Entra group is linked here' }),
  })
  .meta({ id: 'DirectoryGroup' });
export type DirectoryGroup = z.infer<typeof DirectoryGroup>;
export const DirectoryGroupPage = pageSchema(DirectoryGroup, 'DirectoryGroupPage');
