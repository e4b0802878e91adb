import { useInfiniteQuery } from '@tanstack/react-query';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { duration, when } from '../ui/format';
import { countsLine } from './RunProgress';
import { TableWrap } from '../ui/TableWrap';

type Status = Schemas['SyncRun']['status'];

const actor = (a: Schemas['SyncRun']['startedBy']): string =>
  !a
    ? '—'
    : a.type === 'apiKey'
      ? `API key ${a.id.slice(0, 8)}`
      : a.type === 'schedule'
        ? 'a schedule'
        : 'the operator';

/** Runs, newest first: status, trigger, who started it, counts and duration. */
export function RunsTable({
  groupId,
  recipientId,
  status,
}: {
  groupId?: string;
  recipientId?: string;
  status?: Status;
}) {
  const api = useApi();
  const runs = useInfiniteQuery({
    queryKey: ['sync-runs', groupId, recipientId, status],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      ok(
        await api.GET('/v1/sync-runs', {
          params: { query: { groupId, recipientId, status, limit: 50, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 5_000,
  });
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  if (runs.error) return <ErrorText error={runs.error} />;
  if (!runs.data) return <p role="status">Loading runs…</p>;
  if (items.length === 0) return <p>No runs yet.</p>;
  return (
    <>
      <TableWrap label="Sync runs">
        <table>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Trigger</th>
              <th scope="col">Started by</th>
              <th scope="col">Counts</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={href('runs', r.id)}>{when(r.startedAt)}</a>
                </td>
                <td>
                  {r.kind}
                  {r.mode ? ` (${r.mode})` : ''}
                </td>
                <td>{r.status.replace('_', ' ')}</td>
                <td>{r.trigger}</td>
                <td>{actor(r.startedBy)}</td>
                <td className="small">{countsLine(r.counts)}</td>
                <td>{duration(r.startedAt, r.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {runs.hasNextPage && (
        <BusyButton
          type="button"
          busy={runs.isFetchingNextPage}
          busyLabel="Loading…"
          onClick={() => void runs.fetchNextPage()}
        >
          Show older runs
        </BusyButton>
      )}
    </>
  );
}
