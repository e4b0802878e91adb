import { z } from 'zod';
import type { RecipientProfileColumns } from '../../domain/recipient';
import type { RecipientWithGroups } from '../../db/repositories/recipients';
import { isKnownField } from '../../domain/fields';
import { pageQueryShape, pageSchema } from '../http/pagination';
import { GUID_PATTERN, iso, timestamp, uuid } from './common';

const text = z.string().trim().max(1000);
const email = z.email('must be an email address').max(320);

/** Profile columns other than email, each nullable (null clears it). */
const profileShape = {
  firstName: text.nullable(),
  lastName: text.nullable(),
  displayName: text.nullable(),
  jobTitle: text.nullable(),
  department: text.nullable(),
  companyName: text.nullable(),
  officeLocation: text.nullable(),
  mobilePhone: text.nullable(),
  businessPhone: text.nullable(),
  employeeId: text.nullable(),
  streetAddress: text.nullable(),
  city: text.nullable(),
  state: text.nullable(),
  postalCode: text.nullable(),
  country: text.nullable(),
};
export const PROFILE_FIELDS = Object.keys(profileShape) as (keyof typeof profileShape)[];

const customFields = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'custom field names are letters, digits and _'),
    z.string().max(2000).nullable(),
  )
  .refine((c) => Object.keys(c).length <= 50, 'at most 50 custom fields')
  .meta({ description: 'custom.<name> values; in PATCH a null removes the key' });

const lockedFields = z
  .array(z.string().refine(isKnownField, 'not a recipient field: use a standard field name or custom.<name>'))
  .max(100)
  .meta({ description: 'fields a sync never overwrites' });

export const CreateRecipientBody = z.strictObject({
  email,
  ...Object.fromEntries(PROFILE_FIELDS.map((f) => [f, profileShape[f].optional()])),
  customFields: customFields.optional(),
  lockedFields: lockedFields.optional(),
}) as z.ZodType<CreateRecipientBody>;
export type CreateRecipientBody = { email: string } & Partial<Omit<RecipientProfileColumns, 'email'>> & {
    customFields?: Record<string, string | null>;
    lockedFields?: string[];
  };

export const PatchRecipientBody = z
  .strictObject({
    email: email.optional(),
    ...Object.fromEntries(PROFILE_FIELDS.map((f) => [f, profileShape[f].optional()])),
    customFields: customFields.optional(),
    lockedFields: lockedFields.optional(),
  })
  .refine(
    (b) => Object.keys(b).length > 0,
    'give at least one field to change',
  ) as z.ZodType<PatchRecipientBody>;
export type PatchRecipientBody = Partial<RecipientProfileColumns> & {
  customFields?: Record<string, string | null>;
  lockedFields?: string[];
};

export const RecipientListQuery = z.strictObject({
  groupId: uuid.optional(),
  status: z.enum(['active', 'deactivated', 'deleted']).optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'text in email, first, last or display name' }),
  entraUserId: z.string().regex(GUID_PATTERN, 'must be an Entra object id (GUID)').optional(),
  ...pageQueryShape,
});
export type RecipientListQuery = z.infer<typeof RecipientListQuery>;

export const RecipientSyncBody = z.strictObject({
  mode: z.enum(['info', 'cards', 'full']).meta({
    description: 'info: pull the profile from Entra; cards: push current values to the cards; full: both',
  }),
});
export type RecipientSyncBody = z.infer<typeof RecipientSyncBody>;

export const ImportBody = z.strictObject({
  entraUserIds: z
    .array(z.string().regex(GUID_PATTERN, 'must be an Entra user object id (GUID)'))
    .min(1)
    .max(1000)
    .meta({ description: '1 to 1000 Entra user object ids' }),
  createCards: z.boolean().optional().meta({
    description:
      "true: every imported recipient gets a workspace card (the workspace's card template), unless it has one",
  }),
});
export type ImportBody = z.infer<typeof ImportBody>;

export const Recipient = z
  .object({
    id: uuid,
    entraUserId: z.string().nullable(),
    status: z.enum(['active', 'deactivated', 'deleted']),
    statusReason: z.string().nullable(),
    email: z.string(),
    ...profileShape,
    photo: z.object({ contentHash: z.string() }).nullable(),
    customFields: z.record(z.string(), z.string().nullable()),
    lockedFields: z.array(z.string()),
    groupIds: z.array(uuid),
    accountEnabled: z.boolean().nullable(),
    userType: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Recipient' });
export type Recipient = z.infer<typeof Recipient>;
export const RecipientPage = pageSchema(Recipient, 'RecipientPage');

export function toRecipient(row: RecipientWithGroups): Recipient {
  const profile = Object.fromEntries(PROFILE_FIELDS.map((f) => [f, row[f]])) as Omit<
    RecipientProfileColumns,
    'email'
  >;
  return {
    id: row.id,
    entraUserId: row.entraUserId,
    status: row.status,
    statusReason: row.statusReason,
    email: row.email,
    ...profile,
    photo: row.photoHash ? { contentHash: row.photoHash } : null,
    customFields: row.customFields ?? {},
    lockedFields: row.lockedFields ?? [],
    groupIds: row.groupIds ?? [],
    accountEnabled: row.accountEnabled,
    userType: row.userType,
    createdAt: row.createdAt.toISOString(),
    updatedAt: iso(row.updatedAt)!,
  };
}
