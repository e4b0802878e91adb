import { getGroup } from '../../db/repositories/groups';
import { findActiveRun } from '../../schedules/active-runs';
import type { ScheduleTarget } from '../../schedules/schedule-action';
import type { ScheduleFilter, ScheduleRow } from '../../schedules/schedule-rows';
import {
  createScheduleService,
  ScheduleMissingError,
  ScheduleRejectedError,
} from '../../schedules/schedule-service';
import type { ScheduleWhen } from '../../schedules/spec';
import { canonicalTimeZone } from '../../schedules/time-zones';
import type { ApiContext } from '../context';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { HttpProblem, notFound } from '../http/problem';
import { defineRoute, reply, type AnyRoute } from '../http/route';
import { IdParams, Problem, uuid } from '../schemas/common';
import {
  CreateGroupScheduleBody,
  CreateScheduleBody,
  PauseBody,
  Schedule,
  ScheduleListQuery,
  SchedulePage,
  toSchedule,
  WorkspaceScheduleListQuery,
} from '../schemas/schedules';

/** The validated body's one `when` member (the schema checked that exactly one is there). */
function whenOf(body: Pick<CreateGroupScheduleBody, 'preset' | 'cron' | 'at'>): ScheduleWhen {
  if (body.preset) return { preset: body.preset };
  if (body.cron !== undefined) return { cron: body.cron };
  return { at: body.at! };
}

/**
 * For unlinking a group: deletes its Temporal Schedules (its schedule records would cascade away
 * with the group, but the Temporal Schedules would keep firing syncs of a group that is gone).
 */
export async function removeGroupSchedules(
  ctx: ApiContext,
  workspaceId: string,
  groupId: string,
): Promise<number> {
  return createScheduleService({
    db: ctx.db,
    temporal: ctx.temporal,
    taskQueue: ctx.config.taskQueue,
  }).removeForGroup(workspaceId, groupId);
}

/**
 * Schedules of group syncs and workspace syncs (Temporal Schedules): create, list, pause,
 * unpause, trigger now, delete. Every schedule belongs to one workspace; another's id is a 404.
 */
export function scheduleRoutes(ctx: ApiContext): AnyRoute[] {
  const service = createScheduleService({
    db: ctx.db,
    temporal: ctx.temporal,
    taskQueue: ctx.config.taskQueue,
  });

  const load = async (workspaceId: string, id: string): Promise<ScheduleRow> => {
    const row = await service.getRow(workspaceId, id);
    if (!row) throw notFound('schedule', id);
    return row;
  };
  const targetOf = (row: ScheduleRow): ScheduleTarget =>
    row.groupId
      ? { scope: 'group', workspaceId: row.workspaceId, groupId: row.groupId }
      : { scope: 'workspace', workspaceId: row.workspaceId };

  /** Service errors as problems: a spec only Temporal could judge is a 400, a vanished schedule a 409. */
  async function mapped<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ScheduleRejectedError)
        throw new HttpProblem(400, err.message, { errors: [{ path: 'body', message: err.message }] });
      if (err instanceof ScheduleMissingError) throw new HttpProblem(409, err.message);
      throw err;
    }
  }

  async function create(target: ScheduleTarget, body: CreateGroupScheduleBody) {
    const view = await mapped(() =>
      service.create(target, {
        when: whenOf(body),
        timezone: canonicalTimeZone(body.timezone)!,
        note: body.note || null,
      }),
    );
    return reply(201, toSchedule(view), { Location: `/v1/schedules/${view.row.id}` });
  }

  async function page(
    workspaceId: string,
    filter: ScheduleFilter,
    query: { limit: number; cursor?: string },
  ) {
    const afterId = decodeCursor(query.cursor, uuid);
    const { views, more } = await service.list(workspaceId, filter, { limit: query.limit, afterId });
    return reply(200, {
      items: views.map(toSchedule),
      nextCursor: more ? encodeCursor(views[views.length - 1]!.row.id) : null,
    });
  }

  const created = { description: 'created; Location is the schedule', schema: Schedule };
  const badSpec = {
    description:
      'no or several of preset/cron/at, a bad cron expression, an unknown time zone or a past `at`',
    schema: Problem,
  };

  return [
    defineRoute({
      method: 'post',
      path: '/v1/groups/{id}/schedules',
      operationId: 'createGroupSchedule',
      summary: 'Schedule syncs of a group',
      description:
        'A Temporal Schedule that starts the group sync (trigger `schedule`) by a preset, a cron expression, or once at a local date-time, ' +
        'in the given time zone. A run that would overlap one still going is skipped.',
      tag: 'schedules',
      auth: 'workspace',
      params: IdParams,
      body: CreateGroupScheduleBody,
      responses: { 201: created, 400: badSpec },
      async handler({ workspaceId, params, body }) {
        if (!(await getGroup(ctx.db, workspaceId, params.id))) throw notFound('group', params.id);
        return create({ scope: 'group', workspaceId, groupId: params.id }, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/groups/{id}/schedules',
      operationId: 'listGroupSchedules',
      summary: "A group's schedules, with their next run times",
      tag: 'schedules',
      auth: 'workspace',
      params: IdParams,
      query: ScheduleListQuery,
      responses: { 200: { description: 'a page of schedules', schema: SchedulePage } },
      async handler({ workspaceId, params, query }) {
        if (!(await getGroup(ctx.db, workspaceId, params.id))) throw notFound('group', params.id);
        return page(workspaceId, { groupId: params.id }, query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/schedules',
      operationId: 'createWorkspaceSchedule',
      summary: 'Schedule workspace syncs (every linked group)',
      description:
        'Like a group schedule, but starts the workspace sync, which syncs every linked group with bounded concurrency.',
      tag: 'schedules',
      auth: 'workspace',
      body: CreateScheduleBody,
      responses: { 201: created, 400: badSpec },
      async handler({ workspaceId, body }) {
        return create({ scope: 'workspace', workspaceId }, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/schedules',
      operationId: 'listSchedules',
      summary: "All the workspace's schedules, group and workspace-wide",
      tag: 'schedules',
      auth: 'workspace',
      query: WorkspaceScheduleListQuery,
      responses: { 200: { description: 'a page of schedules', schema: SchedulePage } },
      async handler({ workspaceId, query }) {
        return page(workspaceId, { scope: query.scope }, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/schedules/{id}',
      operationId: 'getSchedule',
      summary: 'One schedule, with its next run times and recent runs',
      tag: 'schedules',
      auth: 'workspace',
      params: IdParams,
      responses: { 200: { description: 'the schedule', schema: Schedule } },
      async handler({ workspaceId, params }) {
        const view = await service.get(workspaceId, params.id);
        if (!view) throw notFound('schedule', params.id);
        return reply(200, toSchedule(view));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/schedules/{id}',
      operationId: 'deleteSchedule',
      summary: 'Delete a schedule',
      description: 'Removes the Temporal Schedule; runs it already started go on.',
      tag: 'schedules',
      auth: 'workspace',
      params: IdParams,
      responses: { 204: { description: 'deleted' } },
      async handler({ workspaceId, params }) {
        await service.remove(await load(workspaceId, params.id));
        return reply(204);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/schedules/{id}/pause',
      operationId: 'pauseSchedule',
      summary: 'Pause a schedule',
      tag: 'schedules',
      auth: 'workspace',
      params: IdParams,
      body: PauseBody,
      responses: {
        200: { description: 'paused', schema: Schedule },
        409: { description: 'the Temporal Schedule is gone', schema: Problem },
      },
      async handler({ workspaceId, params, body }) {
        const row = await load(workspaceId, params.id);
        return reply(200, toSchedule(await mapped(() => service.pause(row, body?.reason))));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/schedules/{id}/unpause',
      operationId: 'unpauseSchedule',
      summary: 'Unpause a schedule',
      tag: 'schedules',
      auth: 'workspace',
      params: IdParams,
      body: PauseBody,
      responses: {
        200: { description: 'running again', schema: Schedule },
        409: { description: 'the Temporal Schedule is gone', schema: Problem },
      },
      async handler({ workspaceId, params, body }) {
        const row = await load(workspaceId, params.id);
        return reply(200, toSchedule(await mapped(() => service.unpause(row, body?.reason))));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/schedules/{id}/trigger',
      operationId: 'triggerSchedule',
      summary: 'Run a schedule now',
      description:
        'Starts one run now (trigger `schedule`), even when paused or done. The run appears in GET /v1/sync-runs?trigger=schedule. ' +
        '409 with syncRunId while a sync of the same group (or a workspace sync) runs.',
      tag: 'schedules',
      auth: 'workspace',
      params: IdParams,
      responses: {
        202: { description: 'a run was requested', schema: Schedule },
        409: {
          description:
            'a sync of the same target is running (syncRunId names it), or the Temporal Schedule is gone',
          schema: Problem,
        },
      },
      async handler({ workspaceId, params }) {
        const row = await load(workspaceId, params.id);
        const target = targetOf(row);
        const running = await findActiveRun(ctx.db, target);
        if (running) {
          throw new HttpProblem(
            409,
            `a ${target.scope} sync is already running; wait for it, or cancel it with POST /v1/sync-runs/{id}/cancel`,
            {
              syncRunId: running.id,
            },
          );
        }
        return reply(202, toSchedule(await mapped(() => service.trigger(row))));
      },
    }),
  ];
}
