import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ok } from '../api/client';
import type { paths } from '../api/schema';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { WebhookEndpointItem } from './WebhookEndpointItem';
import { EVENT_SUBJECTS, EVENT_TYPES } from '../../../domain/event-types';

type EventFilter =
  paths['/v1/webhook-endpoints']['post']['requestBody']['content']['application/json']['events'][number];
/** Whole subjects first (what most receivers want), then single event types: the API's own list. */
const EVENT_CHOICES: EventFilter[] = [
  '*',
  ...EVENT_SUBJECTS.map((subject) => `${subject}.*` as const),
  ...EVENT_TYPES,
];

/** Signed webhook endpoints: add one (its secret shown once), then test, rotate, pause or remove it. */
export function WebhooksPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<EventFilter[]>(['card.*']);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const list = useQuery({
    queryKey: ['webhook-endpoints'],
    queryFn: async () => ok(await api.GET('/v1/webhook-endpoints', { params: { query: { limit: 100 } } })),
  });
  const create = useMutation({
    mutationFn: async () =>
      ok(
        await api.POST('/v1/webhook-endpoints', {
          body: {
            url: url.trim(),
            events,
            ...(description.trim() ? { description: description.trim() } : {}),
          },
        }),
      ),
    onSuccess: async (created) => {
      setSecret({ url: created.url, secret: created.secret });
      setUrl('');
      setDescription('');
      await queryClient.invalidateQueries({ queryKey: ['webhook-endpoints'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section>
      <h1>Webhooks</h1>
      <p>
        Events are sent signed (Standard Webhooks) to each endpoint, at least once and in order per card or
        recipient.
      </p>
      {secret && <SecretNotice {...secret} onDone={() => setSecret(null)} />}
      <ErrorText error={list.error} />
      {list.data && list.data.items.length === 0 && <p>No endpoint yet.</p>}
      <ul className="plain">
        {list.data?.items.map((ep) => (
          <WebhookEndpointItem key={ep.id} endpoint={ep} onSecret={setSecret} />
        ))}
      </ul>
      <form onSubmit={submit} className="stack panel" aria-labelledby="new-endpoint">
        <h2 id="new-endpoint">Add an endpoint</h2>
        <div className="field">
          <label htmlFor="wh-url">Endpoint URL</label>
          <input
            id="wh-url"
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://…"
          />
        </div>
        <div className="field">
          <label htmlFor="wh-description">Description</label>
          <input id="wh-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <fieldset>
          <legend>Events</legend>
          <div className="checks">
            {EVENT_CHOICES.map((ev) => (
              <label key={ev} className="check">
                <input
                  type="checkbox"
                  checked={events.includes(ev)}
                  onChange={(e) =>
                    setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))
                  }
                />{' '}
                {ev === '*' ? 'every event' : ev}
              </label>
            ))}
          </div>
        </fieldset>
        <BusyButton type="submit" busy={create.isPending} busyLabel="Adding…" disabled={events.length === 0}>
          Add endpoint
        </BusyButton>
        <ErrorText error={create.error} />
      </form>
    </section>
  );
}

/** A signing secret, shown once: after this it cannot be read back, only rotated. */
export function SecretNotice({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  return (
    <div role="status" className="warn-box">
      <p>
        Signing secret for {url} — copy it now, it is not shown again:{' '}
        <code className="secret">{secret}</code>
      </p>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
