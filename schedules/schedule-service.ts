import {
  isGrpcServiceError,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  ServiceError,
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
} from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database';
import {
  scheduleAction,
  scheduleSearchAttributes,
  temporalScheduleIdFor,
  type ScheduleTarget,
} from './schedule-action';
import {
  deleteScheduleRow,
  getSchedule,
  insertSchedule,
  listGroupSchedules,
  listSchedules,
  type ScheduleFilter,
  type ScheduleRow,
} from './schedule-rows';
import { isOneOff, normalizeWhen, toTemporalSpec, type ScheduleWhen } from './spec';

export interface ScheduleServiceDeps {
  db: Db;
  temporal: Client;
  /** The workers' task queue: the workflows a schedule starts run there. */
  taskQueue: string;
}

/** A schedule as the API shows it: our record joined with Temporal's live state. */
export interface ScheduleView {
  row: ScheduleRow;
  paused: boolean;
  /** A one-off that has fired: it will not fire again. */
  done: boolean;
  nextRunTimes: Date[];
  recentRuns: Array<{ scheduledAt: Date; startedAt: Date; workflowId: string; runId: string }>;
  /** The Temporal Schedule is gone (deleted outside the API, or a crash during create). */
  missing: boolean;
}

/** Temporal refused the schedule's spec (it validates some things only the server knows). */
export class ScheduleRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleRejectedError';
  }
}

/** The Temporal Schedule behind a record no longer exists: delete the record and create it again. */
export class ScheduleMissingError extends Error {
  constructor(readonly scheduleId: string) {
    super(`schedule ${scheduleId} no longer exists in Temporal; delete it and create it again`);
    this.name = 'ScheduleMissingError';
  }
}

const GRPC_INVALID_ARGUMENT = 3;

/** The server's reason when it refused the spec (the SDK throws TypeError for a bad spec). */
function specRejection(err: unknown): string | null {
  if (err instanceof TypeError) return err.message;
  const cause = err instanceof ServiceError ? err.cause : err;
  if (isGrpcServiceError(cause) && cause.code === GRPC_INVALID_ARGUMENT)
    return cause.details || cause.message;
  return null;
}

/** After a Temporal outage, a missed run is still taken up to an hour late; later (a day after an event) it is skipped. */
const CATCHUP_WINDOW = '1 hour';

/**
 * Schedules of group and workspace syncs as Temporal Schedules, with a record per schedule so the
 * API can list them per workspace and group. The record is written first: a failed Temporal
 * create removes it again, and a record whose schedule vanished still lists and deletes.
 */
export function createScheduleService(deps: ScheduleServiceDeps) {
  const handleOf = (row: ScheduleRow): ScheduleHandle =>
    deps.temporal.schedule.getHandle(row.temporalScheduleId);

  async function view(row: ScheduleRow): Promise<ScheduleView> {
    let described: ScheduleDescription;
    try {
      described = await handleOf(row).describe();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) {
        return { row, paused: false, done: false, nextRunTimes: [], recentRuns: [], missing: true };
      }
      throw err;
    }
    return {
      row,
      paused: described.state.paused,
      done: isOneOff(row.spec) && described.state.remainingActions === 0,
      nextRunTimes: described.info.nextActionTimes,
      recentRuns: described.info.recentActions.map((a) => ({
        scheduledAt: a.scheduledAt,
        startedAt: a.takenAt,
        workflowId: a.action.workflow.workflowId,
        runId: a.action.workflow.firstExecutionRunId,
      })),
      missing: false,
    };
  }

  /** Runs a Temporal call on an existing schedule; a vanished one is ScheduleMissingError. */
  async function onHandle(row: ScheduleRow, call: (h: ScheduleHandle) => Promise<void>): Promise<void> {
    try {
      await call(handleOf(row));
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw new ScheduleMissingError(row.id);
      throw err;
    }
  }

  return {
    async create(
      target: ScheduleTarget,
      input: { when: ScheduleWhen; timezone: string; note: string | null },
    ): Promise<ScheduleView> {
      const id = randomUUID();
      const temporalScheduleId = temporalScheduleIdFor(target, id);
      const when = normalizeWhen(input.when);
      const row = await insertSchedule(deps.db, {
        id,
        workspaceId: target.workspaceId,
        groupId: target.scope === 'group' ? target.groupId : null,
        temporalScheduleId,
        spec: when,
        timezone: input.timezone,
        note: input.note,
      });
      const { spec, remainingActions } = toTemporalSpec(when, input.timezone);
      try {
        await deps.temporal.schedule.create({
          scheduleId: temporalScheduleId,
          spec,
          action: scheduleAction(target, { taskQueue: deps.taskQueue, scheduleId: id }),
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW },
          state: {
            note: input.note ?? undefined,
            ...(remainingActions !== undefined ? { remainingActions } : {}),
          },
          memo: {
            scheduleId: id,
            workspaceId: target.workspaceId,
            ...(target.scope === 'group' ? { groupId: target.groupId } : {}),
          },
          typedSearchAttributes: scheduleSearchAttributes(target),
        });
      } catch (err) {
        await deleteScheduleRow(deps.db, target.workspaceId, id);
        const rejection = specRejection(err);
        if (rejection) throw new ScheduleRejectedError(`Temporal rejected the schedule: ${rejection}`);
        throw err;
      }
      return view(row);
    },

    async get(workspaceId: string, id: string): Promise<ScheduleView | undefined> {
      const row = await getSchedule(deps.db, workspaceId, id);
      return row ? view(row) : undefined;
    },

    /** One page of records, each described in Temporal (in parallel: pages are small). */
    async list(
      workspaceId: string,
      filter: ScheduleFilter,
      page: { limit: number; afterId?: string },
    ): Promise<{ views: ScheduleView[]; more: boolean }> {
      const rows = await listSchedules(deps.db, workspaceId, filter, page);
      const more = rows.length > page.limit;
      return { views: await Promise.all(rows.slice(0, page.limit).map(view)), more };
    },

    async pause(row: ScheduleRow, reason?: string): Promise<ScheduleView> {
      await onHandle(row, (h) => h.pause(reason ?? 'paused through the API'));
      return view(row);
    },

    async unpause(row: ScheduleRow, reason?: string): Promise<ScheduleView> {
      await onHandle(row, (h) => h.unpause(reason ?? 'unpaused through the API'));
      return view(row);
    },

    /**
     * Starts one run now, whatever the spec, pause state or remaining actions say. SKIP: when a
     * run this schedule started is still going, Temporal starts nothing.
     */
    async trigger(row: ScheduleRow): Promise<ScheduleView> {
      await onHandle(row, (h) => h.trigger(ScheduleOverlapPolicy.SKIP));
      return view(row);
    },

    /** Deletes the Temporal Schedule (gone already is fine), then the record. */
    async remove(row: ScheduleRow): Promise<void> {
      try {
        await handleOf(row).delete();
      } catch (err) {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      }
      await deleteScheduleRow(deps.db, row.workspaceId, row.id);
    },

    /** Before a group is unlinked: its records would cascade away, but its Temporal Schedules would not. */
    async removeForGroup(workspaceId: string, groupId: string): Promise<number> {
      const rows = await listGroupSchedules(deps.db, workspaceId, groupId);
      for (const row of rows) await this.remove(row);
      return rows.length;
    },

    getRow: (workspaceId: string, id: string) => getSchedule(deps.db, workspaceId, id),
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
