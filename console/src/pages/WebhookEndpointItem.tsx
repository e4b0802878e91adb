import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { when } from '../ui/format';
import { TableWrap } from '../ui/TableWrap';

type Action = 'test' | 'rotate' | 'toggle' | 'delete';

/** One endpoint with its actions and its latest deliveries (each failed one can be retried). */
export function WebhookEndpointItem({
  endpoint: ep,
  onSecret,
}: {
  endpoint: Schemas['WebhookEndpoint'];
  onSecret: (s: { url: string; secret: string }) => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const params = { path: { id: ep.id } };
  const deliveries = useQuery({
    queryKey: ['webhook-deliveries', ep.id],
    queryFn: async () =>
      ok(
        await api.GET('/v1/webhook-endpoints/{id}/deliveries', {
          params: { ...params, query: { limit: 20 } },
        }),
      ),
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === 'pending') ? 2_000 : false),
  });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['webhook-endpoints'] }),
      queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', ep.id] }),
    ]);
  const act = useMutation({
    mutationFn: async (action: Action) => {
      if (action === 'test') return ok(await api.POST('/v1/webhook-endpoints/{id}/test', { params }));
      if (action === 'delete') return ok(await api.DELETE('/v1/webhook-endpoints/{id}', { params }));
      if (action === 'rotate') {
        const rotated = ok(await api.POST('/v1/webhook-endpoints/{id}/rotate-secret', { params }));
        onSecret({ url: rotated.url, secret: rotated.secret });
        return rotated;
      }
      const status = ep.status === 'enabled' ? 'disabled' : 'enabled';
      return ok(await api.PATCH('/v1/webhook-endpoints/{id}', { params, body: { status } }));
    },
    onSuccess: refresh,
  });
  const retry = useMutation({
    mutationFn: async (id: string) =>
      ok(await api.POST('/v1/webhook-deliveries/{id}/retry', { params: { path: { id } } })),
    onSuccess: refresh,
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
    <li className="panel" aria-label={`Endpoint ${ep.url}`}>
      <p>
        <strong className="break">{ep.url}</strong> · {ep.status}
        {ep.disabledReason ? ` (${ep.disabledReason})` : ''} · events {ep.events.join(', ')}
      </p>
      {ep.description && <p className="muted">{ep.description}</p>}
      {ep.failingSince && <p className="error">Failing since {when(ep.failingSince)}.</p>}
      <div className="actions">
        {button('test', 'Send test event', 'Sending…')}
        {button('rotate', 'Rotate secret', 'Rotating…')}
        {button('toggle', ep.status === 'enabled' ? 'Disable' : 'Enable', 'Saving…')}
        {button('delete', 'Delete', 'Deleting…')}
      </div>
      <ErrorText error={act.error ?? retry.error} />
      <h3>Deliveries</h3>
      <ErrorText error={deliveries.error} />
      {deliveries.data && deliveries.data.items.length === 0 && <p>None yet.</p>}
      {deliveries.data && deliveries.data.items.length > 0 && (
        <TableWrap label="Deliveries">
          <table aria-label={`Deliveries to ${ep.url}`}>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="sr-only">Retry</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.items.map((d) => {
                const last = d.attempts[d.attempts.length - 1];
                return (
                  <tr key={d.id}>
                    <td>{d.eventType}</td>
                    <td>{d.status}</td>
                    <td>
                      {d.attempts.length}
                      {last ? ` (last: ${last.statusCode ?? last.error ?? '—'})` : ''}
                    </td>
                    <td>{when(d.createdAt)}</td>
                    <td>
                      {d.status === 'failed' && (
                        <BusyButton
                          type="button"
                          busy={retry.isPending && retry.variables === d.id}
                          busyLabel="Retrying…"
                          onClick={() => retry.mutate(d.id)}
                        >
                          Retry
                        </BusyButton>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
    </li>
  );
}
