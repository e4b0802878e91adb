import { z } from 'zod';
import type { CardTemplate } from '../../domain/card';
import { DEFAULT_SYNC_OPTIONS, type SyncOptions } from '../../domain/sync-options';
import type { GroupWithCounts } from '../../db/repositories/groups';
import { isKnownField } from '../../domain/fields';
import { pageQueryShape, pageSchema } from '../http/pagination';
import { GUID_PATTERN, iso, timestamp, uuid } from './common';

const DeletionThreshold = z.strictObject({
  maxCount: z.number().int().min(0).nullable().meta({ description: 'null: no count limit' }),
  maxPercent: z.number().min(0).max(100).nullable().meta({ description: 'null: no percentage limit' }),
});

export const SyncOptionsSchema = z
  .strictObject({
    includeNestedGroups: z.boolean(),
    disabledUsers: z.enum(['keep', 'deactivate', 'delete']),
    removedUsers: z.enum(['keep', 'remove_from_group', 'deactivate', 'delete']),
    deletedUsers: z.enum(['deactivate', 'delete']),
    createCardsForNewMembers: z.boolean(),
    includeGuests: z.boolean(),
    deletionThreshold: DeletionThreshold,
    approvalTimeoutHours: z.number().int().min(1).max(720).meta({
      description:
        'how long a run held by the deletion threshold waits for approval; then its cleanup is skipped',
    }),
  })
  .meta({ id: 'SyncOptions' });

/** What POST and PATCH take: any subset, merged over the defaults (POST) or the stored options (PATCH). */
export const SyncOptionsPatch = SyncOptionsSchema.extend({ deletionThreshold: DeletionThreshold.partial() })
  .partial()
  .meta({ id: 'SyncOptionsPatch' });
export type SyncOptionsPatch = z.infer<typeof SyncOptionsPatch>;

const cardField = z
  .string()
  .refine(isKnownField, 'not a recipient field: use a standard field name or custom.<name>');

export const CardTemplateSchema = z
  .strictObject({
    fields: z
      .array(cardField)
      .max(50)
      .refine((f) => new Set(f).size === f.length, 'a field is listed twice')
      .meta({ description: 'recipient fields the card shows, in order' }),
    company: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'company keys are letters, digits and _'),
        z.string().max(2000),
      )
      .refine((c) => Object.keys(c).length <= 30, 'at most 30 company fields')
      .meta({ description: 'static fields on every card of the group: website, logoUrl, companyName...' }),
  })
  .meta({ id: 'CardTemplate' });

/** Each given member replaces the stored one (`company` as a whole). */
export const CardTemplatePatch = CardTemplateSchema.partial().meta({ id: 'CardTemplatePatch' });
export type CardTemplatePatch = z.infer<typeof CardTemplatePatch>;

export const CreateGroupBody = z.strictObject({
  entraGroupId: z.string().regex(GUID_PATTERN, 'must be the Entra group object id, a GUID'),
  name: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .optional()
    .meta({ description: 'default: the group name in Entra' }),
  syncOptions: SyncOptionsPatch.optional(),
  cardTemplate: CardTemplatePatch.optional(),
});
export type CreateGroupBody = z.infer<typeof CreateGroupBody>;

export const PatchGroupBody = z
  .strictObject({
    name: z.string().trim().min(1).max(256).optional(),
    syncOptions: SyncOptionsPatch.optional(),
    cardTemplate: CardTemplatePatch.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of name, syncOptions, cardTemplate');
export type PatchGroupBody = z.infer<typeof PatchGroupBody>;

export const GroupListQuery = z.strictObject({ ...pageQueryShape });
export type GroupListQuery = z.infer<typeof GroupListQuery>;

export const GroupSyncBody = z
  .strictObject({
    full: z.boolean().optional().meta({ description: 'read every member even when a delta link is stored' }),
  })
  .optional();
export type GroupSyncBody = z.infer<typeof GroupSyncBody>;

export const Group = z
  .object({
    id: uuid,
    entraGroupId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    syncOptions: SyncOptionsSchema,
    cardTemplate: CardTemplateSchema,
    memberCount: z.number().int(),
    lastSyncedAt: timestamp.nullable(),
    lastFullSyncAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Group' });
export type Group = z.infer<typeof Group>;
export const GroupPage = pageSchema(Group, 'GroupPage');

export function toGroup(row: GroupWithCounts): Group {
  return {
    id: row.id,
    entraGroupId: row.entraGroupId,
    name: row.name,
    description: row.description,
    syncOptions: { ...DEFAULT_SYNC_OPTIONS, ...row.syncOptions },
    cardTemplate: row.cardTemplate,
    memberCount: Number(row.memberCount),
    lastSyncedAt: iso(row.lastSyncedAt),
    lastFullSyncAt: iso(row.lastFullSyncAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function mergeSyncOptions(base: SyncOptions, patch: SyncOptionsPatch | undefined): SyncOptions {
  if (!patch) return base;
  const { deletionThreshold, ...rest } = patch;
  return { ...base, ...rest, deletionThreshold: { ...base.deletionThreshold, ...deletionThreshold } };
}

export function mergeCardTemplate(base: CardTemplate, patch: CardTemplatePatch | undefined): CardTemplate {
  return patch ? { ...base, ...patch } : base;
}
