import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ok } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { RunProgress } from './RunProgress';

/** Import chosen Entra users as recipients, without linking a group. */
export function ImportPage() {
  const api = useApi();
  const [text, setText] = useState('');
  const [search, setSearch] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [createCards, setCreateCards] = useState(true);
  const [runId, setRunId] = useState<string | null>(null);
  const users = useQuery({
    queryKey: ['directory-users', search],
    enabled: search !== null,
    queryFn: async () =>
      ok(
        await api.GET('/v1/directory/users', {
          params: { query: { search: search || undefined, limit: 50 } },
        }),
      ),
  });
  const start = useMutation({
    mutationFn: async () =>
      ok(await api.POST('/v1/recipients/import', { body: { entraUserIds: chosen, createCards } })).syncRunId,
    onSuccess: (id) => {
      setRunId(id);
      setChosen([]);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The same words again mean "look again" (someone may have been imported meanwhile).
    if (search === text.trim()) void users.refetch();
    else setSearch(text.trim());
  };
  return (
    <section>
      <h1>Import from Entra</h1>
      <form onSubmit={submit} className="inline-form" role="search">
        <div className="field">
          <label htmlFor="user-search">Search Entra users</label>
          <input
            id="user-search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="name or email starts with…"
          />
        </div>
        <BusyButton type="submit" busy={users.isFetching} busyLabel="Searching…">
          Search
        </BusyButton>
      </form>
      <ErrorText error={users.error} />
      {users.data && users.data.items.length === 0 && <p>No Entra user matches.</p>}
      {users.data && users.data.items.length > 0 && (
        <fieldset>
          <legend>Choose users to import</legend>
          <ul className="results">
            {users.data.items.map((u) => (
              <li key={u.id}>
                {u.recipientId ? (
                  <span>
                    {u.displayName ?? u.mail} —{' '}
                    <a href={href('recipients', u.recipientId)}>already a recipient</a>
                  </span>
                ) : (
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={chosen.includes(u.id)}
                      onChange={(e) =>
                        setChosen(e.target.checked ? [...chosen, u.id] : chosen.filter((c) => c !== u.id))
                      }
                    />{' '}
                    {u.displayName ?? u.id} <span className="muted">{u.mail ?? u.userPrincipalName}</span>
                  </label>
                )}
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <label className="check">
        <input type="checkbox" checked={createCards} onChange={(e) => setCreateCards(e.target.checked)} />{' '}
        Create a workspace card for each
      </label>
      <div className="actions">
        <BusyButton
          type="button"
          busy={start.isPending}
          busyLabel="Starting…"
          disabled={chosen.length === 0}
          onClick={() => start.mutate()}
        >
          Import {chosen.length} {chosen.length === 1 ? 'user' : 'users'}
        </BusyButton>
      </div>
      <ErrorText error={start.error} />
      {runId && <RunProgress key={runId} runId={runId} total={null} />}
    </section>
  );
}
