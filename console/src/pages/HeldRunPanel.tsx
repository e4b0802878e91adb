import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';

type Run = Schemas['SyncRun'];
type Hold = NonNullable<Run['hold']>;

/** Recipient names by id, from the group's first page of members (the held ones are still in it). */
function useMemberNames(groupId: string | null): Map<string, string> {
  const api = useApi();
  const members = useQuery({
    queryKey: ['recipients', { groupId, names: true }],
    enabled: groupId !== null,
    queryFn: async () =>
      ok(await api.GET('/v1/recipients', { params: { query: { groupId: groupId!, limit: 200 } } })),
  });
  return new Map((members.data?.items ?? []).map((r) => [r.id, r.displayName || r.email]));
}

/** A run held by the deletion threshold: why, whom it would remove, and Approve / Cancel. */
export function HeldRunPanel({ run, hold }: { run: Run; hold: Hold }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const params = { path: { id: run.id } };
  const planned = useQuery({
    queryKey: ['sync-run-changes', run.id, 'held'],
    queryFn: async () =>
      ok(await api.GET('/v1/sync-runs/{id}/changes', { params: { ...params, query: { limit: 100 } } })),
  });
  const names = useMemberNames(run.groupId);
  const decide = useMutation({
    mutationFn: async (action: 'approve' | 'cancel') =>
      ok(
        action === 'approve'
          ? await api.POST('/v1/sync-runs/{id}/approve', { params })
          : await api.POST('/v1/sync-runs/{id}/cancel', { params }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sync-run', run.id] }),
  });
  const removals = (planned.data?.items ?? []).filter((c) => c.planned);
  return (
    <div className="warn-box">
      <h3>Held for approval</h3>
      <p>{hold.reason}</p>
      <p>
        It would deactivate {hold.wouldDeactivate}, delete {hold.wouldDelete} and remove{' '}
        {hold.wouldRemoveFromGroup} from the group.
      </p>
      <ErrorText error={planned.error} />
      {removals.length > 0 && (
        <ul aria-label="Planned removals">
          {removals.map((c) => (
            <li key={c.id}>
              {c.action.replace(/_/g, ' ')}:{' '}
              {c.recipientId ? (
                <a href={href('recipients', c.recipientId)}>
                  {names.get(c.recipientId) ?? c.entraUserId ?? c.recipientId}
                </a>
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
  );
}
