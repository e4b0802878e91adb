import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ok } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { ErrorText } from '../ui/ErrorText';
import { when } from '../ui/format';
import { GroupSchedules } from './GroupSchedules';
import { GroupSettings } from './GroupSettings';
import { RunProgress } from './RunProgress';
import { RunsTable } from './RunsTable';

const TABS = [
  ['overview', 'Overview'],
  ['settings', 'Settings'],
  ['schedules', 'Schedules'],
] as const;

/** One linked group: its runs, its Settings (options, template, "Sync Group") and its Schedules. */
export function GroupPage({ id, tab }: { id: string; tab: string }) {
  const api = useApi();
  const [startedRun, setStartedRun] = useState<string | null>(null);
  const group = useQuery({
    queryKey: ['group', id],
    queryFn: async () => ok(await api.GET('/v1/groups/{id}', { params: { path: { id } } })),
  });
  // A run already going (started elsewhere, or held) is followed like one started here.
  const active = useQuery({
    queryKey: ['group-active-run', id],
    queryFn: async () => {
      for (const status of ['running', 'waiting_approval'] as const) {
        const page = ok(
          await api.GET('/v1/sync-runs', {
            params: { query: { groupId: id, status, kind: 'group', limit: 1 } },
          }),
        );
        if (page.items[0]) return page.items[0].id;
      }
      return null;
    },
  });
  const runId = startedRun ?? active.data ?? null;

  if (group.error) return <ErrorText error={group.error} />;
  if (!group.data) return <p role="status">Loading the group…</p>;
  const g = group.data;
  return (
    <section>
      <p>
        <a href={href('groups')}>← Groups</a>
      </p>
      <h1>{g.name}</h1>
      <p className="muted">
        {g.memberCount} members · last sync {when(g.lastSyncedAt)} · Entra group {g.entraGroupId}
      </p>
      <nav aria-label="Group sections" className="tabs">
        {TABS.map(([t, label]) => (
          <a key={t} href={href('groups', id, t)} aria-current={tab === t ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {runId && (
        <div className="panel">
          <h2>Current sync</h2>
          <RunProgress runId={runId} total={g.memberCount || null} />
        </div>
      )}
      {tab === 'overview' && (
        <>
          <h2>Recent runs</h2>
          <RunsTable groupId={id} />
        </>
      )}
      {tab === 'settings' && <GroupSettings group={g} onSyncStarted={setStartedRun} />}
      {tab === 'schedules' && <GroupSchedules groupId={id} />}
    </section>
  );
}
