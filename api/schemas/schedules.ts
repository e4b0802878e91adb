import { z } from 'zod';
import type { ScheduleView } from '../../schedules/schedule-service';
import { atProblem, cronProblem, TIME_OF_DAY, WEEKDAYS } from '../../schedules/spec';
import { canonicalTimeZone } from '../../schedules/time-zones';
import { pageQueryShape, pageSchema } from '../http/pagination';
import { timestamp, uuid } from './common';

const time = z
  .string()
  .regex(TIME_OF_DAY, 'must be a time of day as HH:MM (00:00 to 23:59)')
  .meta({ description: 'local time of day in the schedule’s timezone', example: '07:30' });

export const SchedulePreset = z
  .discriminatedUnion('every', [
    z.strictObject({ every: z.literal('daily'), time }),
    z.strictObject({ every: z.literal('weekdays'), time }).meta({ description: 'Monday to Friday' }),
    z.strictObject({ every: z.literal('weekly'), day: z.enum(WEEKDAYS), time }),
  ])
  .meta({
    id: 'SchedulePreset',
    description: 'a common rhythm: daily, on weekdays, or weekly on a day, at a local time',
  });

const cron = z
  .string()
  .max(200)
  .meta({
    description:
      '5 fields: minute hour day-of-month month day-of-week (numbers, *, a-b, a,b, /n; month and day names allowed). ' +
      'Not both a day-of-month and a day-of-week.',
    example: '0 7 * * 1-5',
  });

const at = z.string().max(40).meta({
  description:
    'one run at this local date and time in `timezone` (no offset), at least a moment in the future; the schedule is then done',
  example: '2026-12-01T08:00:00',
});

const timezone = z.string().min(1).max(64).meta({
  description: 'IANA time zone name; presets, cron and `at` are read in it',
  example: 'Europe/Berlin',
});

const note = z
  .string()
  .trim()
  .max(500)
  .meta({ description: 'why the schedule exists, e.g. "before the Berlin summit"' });

/** One of preset / cron / at, checked with the zone (an `at` is only meaningful in its zone). */
const whenShape = {
  preset: SchedulePreset.optional(),
  cron: cron.optional(),
  at: at.optional(),
  timezone,
  note: note.optional(),
};

function checkWhen(
  body: { preset?: unknown; cron?: string; at?: string; timezone: string },
  ctx: z.RefinementCtx,
): void {
  const given = (['preset', 'cron', 'at'] as const).filter((k) => body[k] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: given.length ? [given[1]!] : [],
      message: given.length
        ? `give exactly one of preset, cron or at (got ${given.join(' and ')})`
        : 'give one of preset, cron or at: when the schedule runs',
    });
  }
  const zone = canonicalTimeZone(body.timezone);
  if (!zone) {
    ctx.addIssue({
      code: 'custom',
      path: ['timezone'],
      message: `"${body.timezone}" is not an IANA time zone name; use one like Europe/Berlin, America/New_York or UTC`,
    });
  }
  if (body.cron !== undefined) {
    const problem = cronProblem(body.cron);
    if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: problem });
  }
  if (body.at !== undefined && zone) {
    const problem = atProblem(body.at, zone, new Date());
    if (problem) ctx.addIssue({ code: 'custom', path: ['at'], message: problem });
  }
}

export const CreateGroupScheduleBody = z.strictObject(whenShape).superRefine(checkWhen).meta({
  id: 'CreateGroupSchedule',
  description: 'exactly one of `preset`, `cron` or `at`, with a `timezone`',
});
export type CreateGroupScheduleBody = z.infer<typeof CreateGroupScheduleBody>;

export const CreateScheduleBody = z
  .strictObject({
    scope: z.literal('workspace').meta({
      description:
        'a schedule of every linked group (a workspace sync); group schedules are created under /v1/groups/{id}/schedules',
    }),
    ...whenShape,
  })
  .superRefine(checkWhen)
  .meta({
    id: 'CreateWorkspaceSchedule',
    description: 'exactly one of `preset`, `cron` or `at`, with a `timezone`',
  });
export type CreateScheduleBody = z.infer<typeof CreateScheduleBody>;

export const PauseBody = z
  .strictObject({
    reason: z
      .string()
      .trim()
      .max(500)
      .optional()
      .meta({ description: 'shown as the note in the Temporal UI' }),
  })
  .optional();
export type PauseBody = z.infer<typeof PauseBody>;

export const ScheduleListQuery = z.strictObject({ ...pageQueryShape });
export type ScheduleListQuery = z.infer<typeof ScheduleListQuery>;

export const WorkspaceScheduleListQuery = z.strictObject({
  scope: z
    .enum(['group', 'workspace'])
    .optional()
    .meta({ description: 'only group schedules, or only workspace-wide ones' }),
  ...pageQueryShape,
});
export type WorkspaceScheduleListQuery = z.infer<typeof WorkspaceScheduleListQuery>;

const ScheduleSpecShape = z
  .union([z.object({ preset: SchedulePreset }), z.object({ cron: z.string() }), z.object({ at: z.string() })])
  .meta({ id: 'ScheduleSpec', description: 'when it runs, as given (normalized)' });

export const Schedule = z
  .object({
    id: uuid,
    temporalScheduleId: z.string().meta({ description: 'the Schedule in the Temporal UI’s Schedules tab' }),
    scope: z.enum(['group', 'workspace']),
    groupId: uuid.nullable().meta({ description: 'null for a workspace-wide schedule' }),
    spec: ScheduleSpecShape,
    timezone: z.string(),
    note: z.string().nullable(),
    paused: z.boolean(),
    done: z
      .boolean()
      .meta({ description: 'a one-off (`at`) schedule that has fired; it will not fire again' }),
    nextRunTimes: z.array(timestamp).meta({
      description:
        'the next few times it fires, from Temporal (while paused: the times it would fire once unpaused; empty when done)',
    }),
    recentRuns: z
      .array(
        z.object({ scheduledAt: timestamp, startedAt: timestamp, workflowId: z.string(), runId: z.string() }),
      )
      .meta({
        description:
          'workflows it started lately, oldest first; their runs are in /v1/sync-runs?trigger=schedule',
      }),
    missing: z.boolean().meta({
      description: 'the Temporal Schedule no longer exists: delete this schedule and create it again',
    }),
    createdAt: timestamp,
  })
  .meta({ id: 'Schedule' });
export type Schedule = z.infer<typeof Schedule>;
export const SchedulePage = pageSchema(Schedule, 'SchedulePage');

export function toSchedule(view: ScheduleView): Schedule {
  const { row } = view;
  return {
    id: row.id,
    temporalScheduleId: row.temporalScheduleId,
    scope: row.groupId ? 'group' : 'workspace',
    groupId: row.groupId,
    spec: row.spec,
    timezone: row.timezone,
    note: row.note,
    paused: view.paused,
    done: view.done,
    nextRunTimes: view.nextRunTimes.map((d) => d.toISOString()),
    recentRuns: view.recentRuns.map((r) => ({
      scheduledAt: r.scheduledAt.toISOString(),
      startedAt: r.startedAt.toISOString(),
      workflowId: r.workflowId,
      runId: r.runId,
    })),
    missing: view.missing,
    createdAt: row.createdAt.toISOString(),
  };
}
