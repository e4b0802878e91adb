import { z } from 'zod';
import type { RecipientChangesTable, SyncRunRow } from '../../db/schema';
import type { SyncCounts } from '../../contracts/sync-runs';
import type { Selectable } from 'kysely';
import { pageQueryShape, pageSchema } from '../http/pagination';
import { iso, timestamp, uuid } from './common';
import { PreviewRunCounts, toPreviewCounts } from './preview-counts';

export const SYNC_RUN_STATUSES = ['running', 'waiting_approval', 'completed', 'failed', 'canceled'] as const;
export const SYNC_RUN_KINDS = ['group', 'recipient', 'workspace', 'import', 'preview'] as const;

const COUNT_NAMES = [
  'membersFetched',
  'recipientsCreated',
  'recipientsUpdated',
  'recipientsUnchanged',
  'recipientsDeactivated',
  'recipientsDeleted',
  'recipientsReactivated',
  'cardsCreated',
  'cardsUpdated',
  'cardsUnchanged',
  'cardsDeactivated',
  'skipped',
] as const satisfies readonly (keyof SyncCounts)[];

export const SyncRunListQuery = z.strictObject({
  groupId: uuid.optional(),
  recipientId: uuid.optional(),
  status: z.enum(SYNC_RUN_STATUSES).optional(),
  kind: z.enum(SYNC_RUN_KINDS).optional(),
  trigger: z.enum(['api', 'schedule', 'workspace']).optional(),
  ...pageQueryShape,
});
export type SyncRunListQuery = z.infer<typeof SyncRunListQuery>;

export const ChangeListQuery = z.strictObject({ ...pageQueryShape });
export type ChangeListQuery = z.infer<typeof ChangeListQuery>;

const RunActorSchema = z
  .object({
    type: z.enum(['apiKey', 'schedule', 'admin']),
    id: z.string().meta({ description: "the API key's id, the schedule's id, or `admin`" }),
  })
  .meta({ id: 'RunActor' });

const RunHoldSchema = z
  .object({
    reason: z.string(),
    threshold: z.object({ maxCount: z.number().int().nullable(), maxPercent: z.number().nullable() }),
    wouldDeactivate: z.number().int(),
    wouldDelete: z.number().int(),
    wouldRemoveFromGroup: z.number().int(),
    outcome: z.enum(['approved', 'canceled', 'timed_out']).nullable().meta({
      description:
        'null while the run waits; timed_out: no approval within approvalTimeoutHours, cleanup skipped',
    }),
  })
  .meta({ id: 'RunHold' });

export const SyncRun = z
  .object({
    id: uuid,
    kind: z.enum(SYNC_RUN_KINDS),
    mode: z.string().nullable().meta({ description: 'recipient runs: info | cards | full' }),
    syncType: z.string().nullable().meta({ description: 'group runs: full | delta' }),
    status: z.enum(SYNC_RUN_STATUSES),
    phase: z.string(),
    trigger: z.enum(['api', 'schedule', 'workspace']),
    groupId: uuid.nullable(),
    recipientId: uuid.nullable(),
    parentRunId: uuid.nullable(),
    counts: z.union([
      z
        .object(
          Object.fromEntries(COUNT_NAMES.map((n) => [n, z.number().int()])) as Record<
            keyof SyncCounts,
            z.ZodNumber
          >,
        )
        .meta({ description: 'kinds group, recipient, workspace and import' }),
      PreviewRunCounts,
    ]),
    memberCount: z.number().int().nullable().meta({
      description:
        "a completed group run: the group's size after it, whether the run read every member or only changes",
    }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    hold: RunHoldSchema.nullable().meta({
      description:
        'set when the deletion threshold held the run (its planned removals are in /changes); null otherwise',
    }),
    startedBy: RunActorSchema.nullable(),
    approvedBy: RunActorSchema.nullable(),
    canceledBy: RunActorSchema.nullable(),
    workflowId: z.string(),
    temporalRunId: z.string().nullable(),
    temporalUiUrl: z.string().meta({ description: 'the run in the Temporal Web UI' }),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
  })
  .meta({ id: 'SyncRun' });
export type SyncRun = z.infer<typeof SyncRun>;
export const SyncRunPage = pageSchema(SyncRun, 'SyncRunPage');

export interface TemporalUiConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
}

/** `{TEMPORAL_UI_URL}/namespaces/{ns}/workflows/{workflowId}/{runId}`; without a run id the UI shows the latest. */
export function temporalUiUrl(cfg: TemporalUiConfig, workflowId: string, runId: string | null): string {
  const base = `${cfg.temporalUiUrl}/namespaces/${encodeURIComponent(cfg.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}` : base;
}

export function toSyncRun(row: SyncRunRow, cfg: TemporalUiConfig): SyncRun {
  const counts =
    row.kind === 'preview'
      ? toPreviewCounts(row.counts)
      : (Object.fromEntries(
          COUNT_NAMES.map((n) => [n, Number(row.counts?.[n] ?? 0)]),
        ) as unknown as SyncCounts);
  return {
    id: row.id,
    kind: row.kind,
    mode: row.mode,
    syncType: row.syncType,
    status: row.status,
    phase: row.phase,
    trigger: row.trigger,
    groupId: row.groupId,
    recipientId: row.recipientId,
    parentRunId: row.parentRunId,
    counts,
    memberCount: row.memberCount ?? null,
    error: row.error
      ? { code: String(row.error.code ?? 'error'), message: String(row.error.message ?? '') }
      : null,
    hold: row.hold ? { ...row.hold, outcome: row.hold.outcome ?? null } : null,
    startedBy: row.startedBy ?? null,
    approvedBy: row.approvedBy ?? null,
    canceledBy: row.canceledBy ?? null,
    workflowId: row.workflowId,
    temporalRunId: row.temporalRunId,
    temporalUiUrl: temporalUiUrl(cfg, row.workflowId, row.temporalRunId),
    startedAt: row.startedAt.toISOString(),
    finishedAt: iso(row.finishedAt),
  };
}

export const RecipientChange = z
  .object({
    id: z.number().int(),
    syncRunId: uuid.nullable(),
    recipientId: uuid.nullable(),
    entraUserId: z.string().nullable(),
    action: z.string().meta({
      description:
        'created | updated | deactivated | deleted | reactivated | removed_from_group | skipped | photo',
    }),
    field: z.string().nullable(),
    oldValue: z.string().nullable(),
    newValue: z.string().nullable(),
    reason: z.string().nullable(),
    source: z.enum(['sync', 'manual']),
    planned: z.boolean().meta({
      description:
        "a change only planned, not made: a preview's forecast, or a held run's removals (written when it was held)",
    }),
    createdAt: timestamp,
  })
  .meta({ id: 'RecipientChange' });
export type RecipientChange = z.infer<typeof RecipientChange>;
export const RecipientChangePage = pageSchema(RecipientChange, 'RecipientChangePage');

export function toRecipientChange(row: Selectable<RecipientChangesTable>): RecipientChange {
  return {
    id: Number(row.id),
    syncRunId: row.syncRunId,
    recipientId: row.recipientId,
    entraUserId: row.entraUserId,
    action: row.action,
    field: row.field,
    oldValue: row.oldValue,
    newValue: row.newValue,
    reason: row.reason,
    source: row.source,
    planned: row.planned,
    createdAt: row.createdAt.toISOString(),
  };
}
