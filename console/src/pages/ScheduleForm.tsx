import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';

type Kind = 'preset' | 'cron' | 'at';
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const zones = (): string[] => {
  const all = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return all.includes(localZone()) ? all : [localZone(), ...all];
};

/** Creates a group's schedule: a preset rhythm, a cron line, or one date and time, in a time zone. */
export function ScheduleForm({ groupId }: { groupId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>('preset');
  const [every, setEvery] = useState<'daily' | 'weekdays' | 'weekly'>('daily');
  const [day, setDay] = useState<(typeof DAYS)[number]>('monday');
  const [time, setTime] = useState('07:00');
  const [cron, setCron] = useState('0 7 * * 1-5');
  const [at, setAt] = useState('');
  const [timezone, setTimezone] = useState(localZone);
  const [note, setNote] = useState('');

  const create = useMutation({
    mutationFn: async () => {
      const when: Partial<Schemas['CreateGroupSchedule']> =
        kind === 'cron'
          ? { cron }
          : kind === 'at'
            ? { at: at.length === 16 ? `${at}:00` : at }
            : { preset: every === 'weekly' ? { every, day, time } : { every, time } };
      return ok(
        await api.POST('/v1/groups/{id}/schedules', {
          params: { path: { id: groupId } },
          body: { ...when, timezone, ...(note.trim() ? { note: note.trim() } : {}) },
        }),
      );
    },
    onSuccess: async () => {
      setNote('');
      await queryClient.invalidateQueries({ queryKey: ['schedules', groupId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} className="stack panel" aria-labelledby="new-schedule">
      <h3 id="new-schedule">New schedule</h3>
      <fieldset>
        <legend>When</legend>
        {(['preset', 'cron', 'at'] as const).map((k) => (
          <label key={k} className="check">
            <input
              type="radio"
              name="schedule-kind"
              value={k}
              checked={kind === k}
              onChange={() => setKind(k)}
            />{' '}
            {k === 'preset' ? 'Repeating' : k === 'cron' ? 'Cron expression' : 'Once, at a date and time'}
          </label>
        ))}
      </fieldset>
      {kind === 'preset' && (
        <div className="inline-form">
          <div className="field">
            <label htmlFor="sch-every">Every</label>
            <select id="sch-every" value={every} onChange={(e) => setEvery(e.target.value as typeof every)}>
              <option value="daily">day</option>
              <option value="weekdays">weekday (Monday to Friday)</option>
              <option value="weekly">week</option>
            </select>
          </div>
          {every === 'weekly' && (
            <div className="field">
              <label htmlFor="sch-day">On</label>
              <select id="sch-day" value={day} onChange={(e) => setDay(e.target.value as typeof day)}>
                {DAYS.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="sch-time">At</label>
            <input
              id="sch-time"
              type="time"
              value={time}
              onChange={(e) => setTime(e.target.value)}
              required
            />
          </div>
        </div>
      )}
      {kind === 'cron' && (
        <div className="field">
          <label htmlFor="sch-cron">Cron (minute hour day-of-month month day-of-week)</label>
          <input id="sch-cron" value={cron} onChange={(e) => setCron(e.target.value)} required />
        </div>
      )}
      {kind === 'at' && (
        <div className="field">
          <label htmlFor="sch-at">Date and time</label>
          <input
            id="sch-at"
            type="datetime-local"
            value={at}
            onChange={(e) => setAt(e.target.value)}
            required
          />
        </div>
      )}
      <div className="field">
        <label htmlFor="sch-tz">Time zone</label>
        <select id="sch-tz" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
          {zones().map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="sch-note">Note</label>
        <input
          id="sch-note"
          value={note}
          maxLength={500}
          placeholder="why, e.g. before the Berlin summit"
          onChange={(e) => setNote(e.target.value)}
        />
      </div>
      <BusyButton type="submit" busy={create.isPending} busyLabel="Creating…">
        Create schedule
      </BusyButton>
      <ErrorText error={create.error} />
    </form>
  );
}
