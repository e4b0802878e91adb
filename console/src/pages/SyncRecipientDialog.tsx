import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, ok } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { Dialog } from '../ui/Dialog';
import { ErrorText } from '../ui/ErrorText';
import { RunProgress } from './RunProgress';

type Mode = 'info' | 'cards' | 'full';

/** The seed's three options, each with its one-line explanation. */
const MODES: Array<{ mode: Mode; label: string; explanation: string }> = [
  {
    mode: 'info',
    label: 'Sync Recipient Info',
    explanation:
      'Updates the recipient’s information from Microsoft Entra ID without touching their card(s).',
  },
  {
    mode: 'cards',
    label: 'Sync Recipient Cards',
    explanation:
      'Pushes the current recipient info to all assigned cards without pulling anything from Entra ID.',
  },
  {
    mode: 'full',
    label: 'Full Recipient Sync',
    explanation:
      'Pulls the latest data from Entra ID, then updates all cards assigned to that recipient with the new values.',
  },
];

/** "Sync Recipient": pick a mode, start it, follow the run to its end. */
export function SyncRecipientDialog({ recipientId, onClose }: { recipientId: string; onClose: () => void }) {
  const api = useApi();
  const [runId, setRunId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: async (mode: Mode) => {
      try {
        return ok(
          await api.POST('/v1/recipients/{id}/sync', {
            params: { path: { id: recipientId } },
            body: { mode },
          }),
        ).syncRunId;
      } catch (err) {
        if (err instanceof ApiError && err.status === 409 && typeof err.body.syncRunId === 'string')
          return err.body.syncRunId;
        throw err;
      }
    },
    onSuccess: setRunId,
  });
  return (
    <Dialog title="Sync Recipient" onClose={onClose}>
      <ul className="modes">
        {MODES.map((m) => (
          <li key={m.mode}>
            <BusyButton
              type="button"
              busy={start.isPending && start.variables === m.mode}
              busyLabel="Starting…"
              aria-describedby={`mode-${m.mode}`}
              onClick={() => start.mutate(m.mode)}
            >
              {m.label}
            </BusyButton>
            <p id={`mode-${m.mode}`} className="muted">
              {m.explanation}
            </p>
          </li>
        ))}
      </ul>
      <ErrorText error={start.error} />
      {runId && <RunProgress key={runId} runId={runId} total={1} />}
    </Dialog>
  );
}
