import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { words } from '../ui/format';

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
    refetchInterval: (q) => (q.state.data && !ACTIVE.has(q.state.data.status) ? false : 500),
  });
  const held = run.data?.status === 'waiting_approval';
  const planned = useQuery({
    queryKey: ['sync-run-changes', runId, 'held'],
    enabled: held,
    queryFn: async () =>
      ok(
        await api.GET('/v1/sync-runs/{id}/changes', {
          params: { path: { id: runId }, query: { limit: 100 } },
        }),
      ),
  });
  const decide = useMutation({
    mutationFn: async (action: 'approve' | 'cancel') => {
      const params = { path: { id: runId } };
      return ok(
        action === 'approve'
          ? await api.POST('/v1/sync-runs/{id}/approve', { params })
          : await api.POST('/v1/sync-runs/{id}/cancel', { params }),
      );
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['sync-run', runId] });
    },
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
  const max = total && total > 0 ? total : r.memberCount && r.memberCount > 0 ? r.memberCount : null;
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
      {held && r.hold && (
        <div className="warn-box">
          <h3>Held for approval</h3>
          <p>{r.hold.reason}</p>
          <p>
            It would deactivate {r.hold.wouldDeactivate}, delete {r.hold.wouldDelete} and remove{' '}
            {r.hold.wouldRemoveFromGroup} from the group.
          </p>
          {planned.data && planned.data.items.length > 0 && (
            <ul aria-label="Planned removals">
              {planned.data.items
                .filter((c) => c.planned)
                .map((c) => (
                  <li key={c.id}>
                    {c.action.replace(/_/g, ' ')}:{' '}
                    {c.recipientId ? (
                      <a href={href('recipients', c.recipientId)}>{c.entraUserId ?? c.recipientId}</a>
                    ) : (
                      c.entraUserId
                    )}
                    {c.reason && <span className="muted"> — {c.reason}</span>}
                  </li>
                ))}
            </ul>
          )}
          <div className="actions">
            <BusyButton
              type="button"
              busy={decide.isPending && decide.variables === 'approve'}
              busyLabel="Approving…"
              onClick={() => decide.mutate('approve')}
            >
              Approve
            </BusyButton>
            <BusyButton
              type="button"
              busy={decide.isPending && decide.variables === 'cancel'}
              busyLabel="Canceling…"
              onClick={() => decide.mutate('cancel')}
            >
              Cancel
            </BusyButton>
          </div>
          <ErrorText error={decide.error} />
        </div>
      )}
    </div>
  );
}
