import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { when } from '../ui/format';
import { ScheduleForm } from './ScheduleForm';

type Schedule = Schemas['Schedule'];
type Action = 'pause' | 'unpause' | 'trigger' | 'delete';

function describe(s: Schedule): string {
  const spec = s.spec as {
    preset?: { every: string; day?: string; time: string };
    cron?: string;
    at?: string;
  };
  if (spec.preset)
    return `every ${spec.preset.every === 'weekly' ? spec.preset.day : spec.preset.every === 'daily' ? 'day' : 'weekday'} at ${spec.preset.time}`;
  if (spec.cron) return `cron ${spec.cron}`;
  return `once at ${spec.at}`;
}

function ScheduleRow({ s, groupId }: { s: Schedule; groupId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: async (action: Action) => {
      const params = { path: { id: s.id } };
      if (action === 'delete') return ok(await api.DELETE('/v1/schedules/{id}', { params }));
      if (action === 'trigger') return ok(await api.POST('/v1/schedules/{id}/trigger', { params }));
      if (action === 'pause') return ok(await api.POST('/v1/schedules/{id}/pause', { params, body: {} }));
      return ok(await api.POST('/v1/schedules/{id}/unpause', { params, body: {} }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['schedules', groupId] }),
  });
  const button = (action: Action, label: string, busyLabel: string) => (
    <BusyButton
      type="button"
      busy={act.isPending && act.variables === action}
      busyLabel={busyLabel}
      onClick={() => act.mutate(action)}
    >
      {label}
    </BusyButton>
  );
  return (
    <li className="panel" aria-label={`Schedule ${describe(s)}`}>
      <p>
        <strong>{describe(s)}</strong> ({s.timezone}) {s.note && <span>— {s.note}</span>}
      </p>
      <p className="muted">
        {s.missing
          ? 'Missing in Temporal: delete it and create it again.'
          : s.done
            ? 'Done (a one-off that has run).'
            : s.paused
              ? 'Paused.'
              : `Active; next ${when(s.nextRunTimes[0])}.`}
      </p>
      <div className="actions">
        {!s.done &&
          (s.paused ? button('unpause', 'Resume', 'Resuming…') : button('pause', 'Pause', 'Pausing…'))}
        {button('trigger', 'Run now', 'Starting…')}
        {button('delete', 'Delete', 'Deleting…')}
      </div>
      <ErrorText error={act.error} />
    </li>
  );
}

/** A group's schedules, each with pause/resume, run now and delete, and a form for a new one. */
export function GroupSchedules({ groupId }: { groupId: string }) {
  const api = useApi();
  const list = useQuery({
    queryKey: ['schedules', groupId],
    queryFn: async () =>
      ok(
        await api.GET('/v1/groups/{id}/schedules', {
          params: { path: { id: groupId }, query: { limit: 100 } },
        }),
      ),
  });
  return (
    <section aria-labelledby="schedules-title">
      <h2 id="schedules-title">Schedules</h2>
      <ErrorText error={list.error} />
      {list.isPending && <p role="status">Loading schedules…</p>}
      {list.data && list.data.items.length === 0 && <p>No schedule yet.</p>}
      <ul className="plain">
        {list.data?.items.map((s) => (
          <ScheduleRow key={s.id} s={s} groupId={groupId} />
        ))}
      </ul>
      <ScheduleForm groupId={groupId} />
    </section>
  );
}
