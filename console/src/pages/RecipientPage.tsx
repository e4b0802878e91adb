import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ok } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { ChangesTable } from './ChangesTable';
import { RecipientCards } from './RecipientCards';
import { RecipientPhoto } from './RecipientPhoto';
import { RecipientProfile } from './RecipientProfile';
import { SyncRecipientDialog } from './SyncRecipientDialog';

type Action = 'deactivate' | 'reactivate' | 'delete';

/** One recipient: toolbar (Sync, lifecycle), profile with locks, photo, cards, change history. */
export function RecipientPage({ id }: { id: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [syncing, setSyncing] = useState(false);
  // Outside the profile form, which remounts with each new version of the recipient.
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const params = { path: { id } };
  const recipient = useQuery({
    queryKey: ['recipient', id],
    queryFn: async () => ok(await api.GET('/v1/recipients/{id}', { params })),
  });
  const history = useQuery({
    queryKey: ['recipient-changes', id],
    queryFn: async () =>
      ok(await api.GET('/v1/recipients/{id}/changes', { params: { ...params, query: { limit: 100 } } })),
  });
  const lifecycle = useMutation({
    mutationFn: async (action: Action) => {
      if (action === 'delete')
        return ok(await api.DELETE('/v1/recipients/{id}', { params: { ...params, query: {} } }));
      if (action === 'deactivate') return ok(await api.POST('/v1/recipients/{id}/deactivate', { params }));
      return ok(await api.POST('/v1/recipients/{id}/reactivate', { params }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['recipient', id] });
      void queryClient.invalidateQueries({ queryKey: ['recipients'] });
    },
  });

  if (recipient.error) return <ErrorText error={recipient.error} />;
  if (!recipient.data) return <p role="status">Loading the recipient…</p>;
  const r = recipient.data;
  const name = r.displayName || [r.firstName, r.lastName].filter(Boolean).join(' ') || r.email;
  return (
    <section>
      <p>
        <a href={href('recipients')}>← Recipients</a>
      </p>
      <h1>{name}</h1>
      <p className="muted">
        {r.status}
        {r.statusReason ? ` (${r.statusReason})` : ''} ·{' '}
        {r.entraUserId ? `Entra user ${r.entraUserId}` : 'manual recipient'}
      </p>
      <div role="toolbar" aria-label="Recipient actions" className="actions">
        <button
          type="button"
          onClick={() => setSyncing(true)}
          disabled={!r.entraUserId}
          title={r.entraUserId ? undefined : 'Only recipients from Entra sync'}
        >
          Sync
        </button>
        {r.status === 'active' && (
          <BusyButton
            type="button"
            busy={lifecycle.isPending}
            busyLabel="Working…"
            onClick={() => lifecycle.mutate('deactivate')}
          >
            Deactivate
          </BusyButton>
        )}
        {r.status === 'deactivated' && (
          <BusyButton
            type="button"
            busy={lifecycle.isPending}
            busyLabel="Working…"
            onClick={() => lifecycle.mutate('reactivate')}
          >
            Reactivate
          </BusyButton>
        )}
        {r.status !== 'deleted' && (
          <BusyButton
            type="button"
            className="danger"
            busy={lifecycle.isPending}
            busyLabel="Working…"
            onClick={() =>
              window.confirm(`Delete ${name}? Their cards stop working.`) && lifecycle.mutate('delete')
            }
          >
            Delete
          </BusyButton>
        )}
      </div>
      <ErrorText error={lifecycle.error} />
      <div className="two-col">
        <div>
          <RecipientProfile
            key={r.updatedAt}
            recipient={r}
            onSaved={() => setSavedAt(new Date().toLocaleTimeString())}
          />
          {savedAt && <p role="status">Profile saved at {savedAt}.</p>}
        </div>
        <div>
          <RecipientPhoto recipient={r} />
          <RecipientCards recipientId={id} />
        </div>
      </div>
      <h2>Change history</h2>
      <ErrorText error={history.error} />
      {history.data && (
        <ChangesTable items={history.data.items} label="Change history" showRecipient={false} />
      )}
      {syncing && <SyncRecipientDialog recipientId={id} onClose={() => setSyncing(false)} />}
    </section>
  );
}
