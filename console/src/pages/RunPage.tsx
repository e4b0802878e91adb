import { useQuery } from '@tanstack/react-query';
import { ok } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { ErrorText } from '../ui/ErrorText';
import { ChangesTable } from './ChangesTable';
import { RunProgress } from './RunProgress';

/** One run, live while it goes, and its per-recipient changes. */
export function RunPage({ id }: { id: string }) {
  const api = useApi();
  const changes = useQuery({
    queryKey: ['sync-run-changes', id],
    queryFn: async () =>
      ok(await api.GET('/v1/sync-runs/{id}/changes', { params: { path: { id }, query: { limit: 200 } } })),
  });
  return (
    <section>
      <p>
        <a href={href('runs')}>← Sync runs</a>
      </p>
      <h1>Sync run</h1>
      <RunProgress runId={id} total={null} />
      <h2>Changes</h2>
      <ErrorText error={changes.error} />
      {changes.data && <ChangesTable items={changes.data.items} label="Changes of this run" />}
      {changes.data?.nextCursor && <p className="muted">Showing the first 200 changes.</p>}
    </section>
  );
}
