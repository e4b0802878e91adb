import { z } from 'zod';

/** Any GUID (Postgres ids, Entra object ids); checked before it reaches a uuid column. */
export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const uuid = z
  .string()
  .regex(GUID_PATTERN, 'must be a UUID (8-4-4-4-12 hex digits)')
  .meta({ format: 'uuid' });

export const IdParams = z.strictObject({ id: uuid });
export type IdParams = z.infer<typeof IdParams>;

export const timestamp = z.string().meta({ format: 'date-time' });

export const FieldError = z.object({ path: z.string(), message: z.string() });

export const Problem = z
  .object({
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(FieldError).optional().meta({ description: 'one entry per bad field (400 only)' }),
    syncRunId: z
      .string()
      .nullable()
      .optional()
      .meta({ description: 'the running sync (409 for a sync already running)' }),
    cardId: z.string().optional().meta({ description: 'the existing workspace card (409 for a second one)' }),
    code: z.string().optional().meta({ description: 'a stable name for the kind of conflict (409)' }),
  })
  .meta({ id: 'Problem', description: 'application/problem+json (RFC 9457)' });
export type Problem = z.infer<typeof Problem>;

/** 202 body of every route that starts a workflow; `Location` points at the run. */
export const SyncStarted = z.object({ syncRunId: uuid, workflowId: z.string() }).meta({ id: 'SyncStarted' });
export type SyncStarted = z.infer<typeof SyncStarted>;

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
