import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ok } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';

/** Searches the connected Entra directory for a group and links it to the workspace. */
export function LinkGroup({ onDone }: { onDone: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [search, setSearch] = useState<string | null>(null);
  const results = useQuery({
    queryKey: ['directory-groups', search],
    enabled: search !== null,
    queryFn: async () =>
      ok(
        await api.GET('/v1/directory/groups', {
          params: { query: { search: search || undefined, limit: 25 } },
        }),
      ),
  });
  const link = useMutation({
    mutationFn: async (g: { id: string; displayName: string | null }) =>
      ok(
        await api.POST('/v1/groups', {
          body: { entraGroupId: g.id, ...(g.displayName ? { name: g.displayName } : {}) },
        }),
      ),
    onSuccess: async (group) => {
      await queryClient.invalidateQueries({ queryKey: ['groups'] });
      onDone();
      window.location.hash = href('groups', group.id);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (search === text.trim()) void results.refetch();
    else setSearch(text.trim());
  };
  return (
    <div className="panel">
      <form onSubmit={submit} className="inline-form" role="search">
        <div className="field">
          <label htmlFor="group-search">Search Entra groups</label>
          <input
            id="group-search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="name starts with…"
          />
        </div>
        <BusyButton type="submit" busy={results.isFetching} busyLabel="Searching…">
          Search
        </BusyButton>
      </form>
      <ErrorText error={results.error} />
      <ErrorText error={link.error} />
      {results.data && results.data.items.length === 0 && <p>No Entra group matches.</p>}
      {results.data && results.data.items.length > 0 && (
        <ul className="results" aria-label="Entra groups">
          {results.data.items.map((g) => (
            <li key={g.id}>
              <span>
                <strong>{g.displayName ?? g.id}</strong> {g.mail && <span className="muted">{g.mail}</span>}
              </span>
              {g.groupId ? (
                <a href={href('groups', g.groupId)}>Linked</a>
              ) : (
                <BusyButton
                  type="button"
                  busy={link.isPending && link.variables?.id === g.id}
                  busyLabel="Linking…"
                  aria-label={`Link ${g.displayName ?? g.id}`}
                  onClick={() => link.mutate(g)}
                >
                  Link
                </BusyButton>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
