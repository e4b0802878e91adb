import { z } from 'zod';
import { GRAPH_SOURCE_PATTERN, isKnownField } from '../../domain/fields';

export const FieldSetting = z
  .strictObject({
    field: z
      .string()
      .refine(
        isKnownField,
        'not a recipient field: use one of the standard fields (firstName, jobTitle, ...) or custom.<name>',
      ),
    source: z
      .string()
      .max(200)
      .regex(
        GRAPH_SOURCE_PATTERN,
        'must be a Graph user property such as jobTitle, businessPhones[0] or onPremisesExtensionAttributes.extensionAttribute3',
      ),
    sync: z.boolean(),
    overwrite: z.boolean(),
  })
  .meta({ id: 'FieldSetting' });
export type FieldSetting = z.infer<typeof FieldSetting>;

/** The whole list, replacing the stored one; email must stay synced (it identifies a person's card). */
export const FieldSettingsList = z
  .array(FieldSetting)
  .min(1)
  .max(100)
  .superRefine((settings, ctx) => {
    const seen = new Set<string>();
    settings.forEach((s, i) => {
      if (seen.has(s.field))
        ctx.addIssue({ code: 'custom', path: [i, 'field'], message: `${s.field} is listed twice` });
      seen.add(s.field);
      if (s.field === 'email' && !s.sync)
        ctx.addIssue({ code: 'custom', path: [i, 'sync'], message: 'email is always synced' });
    });
    if (!seen.has('email'))
      ctx.addIssue({ code: 'custom', path: [], message: 'the list must include the email field' });
  })
  .meta({ id: 'FieldSettings' });
export type FieldSettingsList = z.infer<typeof FieldSettingsList>;
