import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, ok } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { RunProgress } from './RunProgress';

/** One workspace run that syncs every linked group, followed live. */
export function SyncAllGroups() {
  const api = useApi();
  const [runId, setRunId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: async () => {
      try {
        return ok(await api.POST('/v1/groups/sync-all', { body: {} })).syncRunId;
      } catch (err) {
        if (err instanceof ApiError && err.status === 409 && typeof err.body.syncRunId === 'string')
          return err.body.syncRunId;
        throw err;
      }
    },
    onSuccess: setRunId,
  });
  return (
    <>
      <div className="actions">
        <BusyButton type="button" busy={start.isPending} busyLabel="Starting…" onClick={() => start.mutate()}>
          Sync all groups
        </BusyButton>
        <ErrorText error={start.error} />
      </div>
      {runId && (
        <div className="panel">
          <h2>Syncing all groups</h2>
          <RunProgress key={runId} runId={runId} total={null} />
        </div>
      )}
    </>
  );
}
