import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ok } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { when } from '../ui/format';

/** The recipient's cards, each with its public page, vCard and QR code (public addresses). */
export function RecipientCards({ recipientId }: { recipientId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const params = { path: { id: recipientId } };
  const cards = useQuery({
    queryKey: ['recipient-cards', recipientId],
    queryFn: async () =>
      ok(await api.GET('/v1/recipients/{id}/cards', { params: { ...params, query: { limit: 100 } } })),
  });
  const add = useMutation({
    mutationFn: async () => ok(await api.POST('/v1/recipients/{id}/cards', { params })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['recipient-cards', recipientId] }),
  });
  return (
    <section aria-labelledby="cards-title" className="panel">
      <h2 id="cards-title">Cards</h2>
      <ErrorText error={cards.error} />
      {cards.data && cards.data.items.length === 0 && <p>No card yet.</p>}
      <ul className="plain">
        {cards.data?.items.map((c) => (
          <li key={c.id} className="card-row">
            <span>
              {c.groupId ? 'Group card' : 'Workspace card'} · {c.status} · version {c.version} · updated{' '}
              {when(c.updatedAt)}
            </span>
            {c.status === 'active' && (
              <span className="links">
                <a href={c.publicUrl} target="_blank" rel="noopener noreferrer">
                  Public page
                </a>
                <a href={`${c.publicUrl}/vcard`} rel="noopener noreferrer">
                  vCard
                </a>
                <a href={`${c.publicUrl}/qr.svg`} target="_blank" rel="noopener noreferrer">
                  QR code
                </a>
              </span>
            )}
          </li>
        ))}
      </ul>
      <BusyButton type="button" busy={add.isPending} busyLabel="Adding…" onClick={() => add.mutate()}>
        Add a workspace card
      </BusyButton>
      <ErrorText error={add.error} />
    </section>
  );
}
