import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError, ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { Dialog } from '../ui/Dialog';
import { ErrorText } from '../ui/ErrorText';

const PREVIEW_COUNTS = [
  ['wouldCreate', 'would create'],
  ['wouldUpdate', 'would update'],
  ['wouldReactivate', 'would reactivate'],
  ['wouldDeactivate', 'would deactivate'],
  ['wouldDelete', 'would delete'],
  ['wouldRemoveFromGroup', 'would remove from the group'],
  ['skipped', 'would skip'],
] as const;

/** A run id from a 202, or from the 409 that names the run already going. */
function runIdOf(err: unknown): string | null {
  return err instanceof ApiError && err.status === 409 && typeof err.body.syncRunId === 'string'
    ? err.body.syncRunId
    : null;
}

/**
 * The seed's confirmation pop-up: a preview run reads the group and plans without writing; its
 * counts are shown, and "Sync Group" starts the real run (which reads the directory again).
 */
export function SyncGroupDialog({
  group,
  onClose,
  onStarted,
}: {
  group: Schemas['Group'];
  onClose: () => void;
  onStarted: (runId: string) => void;
}) {
  const api = useApi();
  const [previewId, setPreviewId] = useState<string | null>(null);
  const startPreview = useMutation({
    mutationFn: async () => {
      try {
        return ok(await api.POST('/v1/groups/{id}/preview', { params: { path: { id: group.id } } }))
          .syncRunId;
      } catch (err) {
        const running = runIdOf(err);
        if (running) return running;
        throw err;
      }
    },
    onSuccess: setPreviewId,
  });
  useEffect(() => startPreview.mutate(), [group.id]);
  const preview = useQuery({
    queryKey: ['sync-run', previewId],
    enabled: previewId !== null,
    queryFn: async () => ok(await api.GET('/v1/sync-runs/{id}', { params: { path: { id: previewId! } } })),
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 500 : false),
  });
  const sync = useMutation({
    mutationFn: async () => {
      try {
        return ok(await api.POST('/v1/groups/{id}/sync', { params: { path: { id: group.id } }, body: {} }))
          .syncRunId;
      } catch (err) {
        const running = runIdOf(err);
        if (running) return running;
        throw err;
      }
    },
    onSuccess: (runId) => {
      onStarted(runId);
      onClose();
    },
  });

  const run = preview.data;
  const counts = run && run.status === 'completed' ? (run.counts as Schemas['PreviewRunCounts']) : null;
  return (
    <Dialog title="Sync Group" onClose={onClose}>
      <p>
        Syncing <strong>{group.name}</strong> reads its members from Entra ID, applies your Field Settings and
        sync options, cleans up removed, disabled or deleted accounts, and updates their cards.
      </p>
      <ErrorText error={startPreview.error ?? preview.error} />
      {!counts && !startPreview.error && !run?.error && (
        <p role="status" aria-busy="true">
          Checking what a sync would change…
        </p>
      )}
      {run?.error && (
        <p role="alert" className="error">
          The preview failed: {run.error.message}
        </p>
      )}
      {counts && (
        <>
          <p role="status">A sync now:</p>
          <dl className="counts" aria-label="Preview">
            {PREVIEW_COUNTS.map(([key, label]) => (
              <div key={key}>
                <dt>{label}</dt>
                <dd data-count={key}>{counts[key]}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      <div className="actions">
        <BusyButton type="button" busy={sync.isPending} busyLabel="Starting…" onClick={() => sync.mutate()}>
          Sync Group
        </BusyButton>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorText error={sync.error} />
    </Dialog>
  );
}
