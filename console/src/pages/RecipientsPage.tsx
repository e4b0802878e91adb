import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { AddRecipient } from './AddRecipient';
import { TableWrap } from '../ui/TableWrap';

type Status = Schemas['Recipient']['status'];

/** Recipients, searched by text and filtered by group and status. */
export function RecipientsPage() {
  const api = useApi();
  const [text, setText] = useState('');
  const [adding, setAdding] = useState(false);
  const [filter, setFilter] = useState<{ q?: string; groupId?: string; status?: Status }>({});
  const groups = useQuery({
    queryKey: ['groups'],
    queryFn: async () => ok(await api.GET('/v1/groups', { params: { query: { limit: 200 } } })),
  });
  const list = useInfiniteQuery({
    queryKey: ['recipients', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      ok(
        await api.GET('/v1/recipients', { params: { query: { ...filter, limit: 100, cursor: pageParam } } }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = text.trim() || undefined;
    if (q === filter.q) void list.refetch();
    else setFilter({ ...filter, q });
  };
  return (
    <section>
      <div className="title-row">
        <h1>Recipients</h1>
        <button type="button" onClick={() => setAdding(!adding)} aria-expanded={adding}>
          New recipient
        </button>
      </div>
      {adding && <AddRecipient />}
      <form onSubmit={submit} className="inline-form" role="search">
        <div className="field">
          <label htmlFor="rcp-q">Search recipients</label>
          <input
            id="rcp-q"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="name or email"
          />
        </div>
        <div className="field">
          <label htmlFor="rcp-group">Group</label>
          <select
            id="rcp-group"
            value={filter.groupId ?? ''}
            onChange={(e) => setFilter({ ...filter, groupId: e.target.value || undefined })}
          >
            <option value="">any</option>
            {groups.data?.items.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rcp-status">Status</label>
          <select
            id="rcp-status"
            value={filter.status ?? ''}
            onChange={(e) =>
              setFilter({ ...filter, status: (e.target.value || undefined) as Status | undefined })
            }
          >
            <option value="">any</option>
            <option value="active">active</option>
            <option value="deactivated">deactivated</option>
            <option value="deleted">deleted</option>
          </select>
        </div>
        <BusyButton type="submit" busy={list.isFetching && !list.isFetchingNextPage} busyLabel="Searching…">
          Search
        </BusyButton>
      </form>
      <ErrorText error={list.error} />
      {list.data && items.length === 0 && <p>No recipient matches.</p>}
      {items.length > 0 && (
        <TableWrap label="Recipients">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Job title</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={href('recipients', r.id)}>
                      {r.displayName || [r.firstName, r.lastName].filter(Boolean).join(' ') || r.email}
                    </a>
                  </td>
                  <td>{r.email}</td>
                  <td>{r.jobTitle ?? ''}</td>
                  <td>{r.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {list.hasNextPage && (
        <BusyButton
          type="button"
          busy={list.isFetchingNextPage}
          busyLabel="Loading…"
          onClick={() => void list.fetchNextPage()}
        >
          Show more recipients
        </BusyButton>
      )}
    </section>
  );
}
