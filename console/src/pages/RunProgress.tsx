import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { ErrorText } from '../ui/ErrorText';
import { words } from '../ui/format';
import { HeldRunPanel } from './HeldRunPanel';

type Run = Schemas['SyncRun'];
const ACTIVE = new Set(['running', 'waiting_approval']);

/** Counts that are not zero, as "3 recipients created, 1 card updated". */
export function countsLine(counts: Run['counts']): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => typeof n === 'number' && n > 0)
    .map(([k, n]) => `${words(k)}: ${n}`);
  return parts.length ? parts.join(', ') : 'no changes counted yet';
}

/**
 * A run followed live: a progress bar over the group's last known member count (indeterminate
 * while that is unknown), its phase and counts; a held run explains itself and offers Approve/Cancel.
 */
export function RunProgress({ runId, total }: { runId: string; total: number | null }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: ['sync-run', runId],
    queryFn: async () => ok(await api.GET('/v1/sync-runs/{id}', { params: { path: { id: runId } } })),
    // Live while it runs; a held run may wait for days, so it is asked about less often.
    refetchInterval: (q) =>
      q.state.data?.status === 'waiting_approval'
        ? 5_000
        : q.state.data && !ACTIVE.has(q.state.data.status)
          ? false
          : 500,
  });
  const status = run.data?.status;
  useEffect(() => {
    // A finished run changes the group's size and last sync, and the lists of runs.
    if (status && !ACTIVE.has(status)) {
      void queryClient.invalidateQueries({ queryKey: ['group'] });
      void queryClient.invalidateQueries({ queryKey: ['groups'] });
      void queryClient.invalidateQueries({ queryKey: ['sync-runs'] });
      void queryClient.invalidateQueries({ queryKey: ['recipient'] });
      void queryClient.invalidateQueries({ queryKey: ['sync-run-changes'] });
      for (const key of [
        'recipient-changes',
        'recipient-cards',
        'recipient-photo',
        'recipients',
        'directory-users',
      ])
        void queryClient.invalidateQueries({ queryKey: [key] });
    }
  }, [status, queryClient]);

  if (run.error) return <ErrorText error={run.error} />;
  if (!run.data) return <p role="status">Loading the run…</p>;
  const r = run.data;
  const done = !ACTIVE.has(r.status);
  const fetched = 'membersFetched' in r.counts ? r.counts.membersFetched : 0;
  // A finished run fills the bar even when its size was never known.
  const max =
    total && total > 0 ? total : r.memberCount && r.memberCount > 0 ? r.memberCount : done ? 1 : null;
  const value = max === null ? null : done ? max : Math.min(fetched, max);
  return (
    <div className="run-progress" aria-live="polite">
      <div
        role="progressbar"
        aria-label="Sync progress"
        aria-valuemin={0}
        aria-valuemax={max ?? undefined}
        aria-valuenow={value ?? undefined}
        aria-valuetext={
          done ? `sync ${r.status}` : `${r.phase}: ${fetched} of ${max ?? 'unknown'} members read`
        }
        className={`bar${value === null ? ' indeterminate' : ''}`}
      >
        <div
          className="fill"
          style={{ width: value === null || !max ? undefined : `${(100 * value) / max}%` }}
        />
      </div>
      <p>
        <strong>Status: {r.status.replace('_', ' ')}</strong> · phase {r.phase} · {countsLine(r.counts)} ·{' '}
        <a href={href('runs', r.id)}>run details</a>
      </p>
      {r.error && (
        <p role="alert" className="error">
          {r.error.message} ({r.error.code})
        </p>
      )}
      {r.status === 'waiting_approval' && r.hold && <HeldRunPanel run={r} hold={r.hold} />}
    </div>
  );
}
