import { useState } from 'react';
import type { Schemas } from '../api/client';
import { RunsTable } from './RunsTable';

type Status = Schemas['SyncRun']['status'];
const STATUSES: Status[] = ['running', 'waiting_approval', 'completed', 'failed', 'canceled'];

/** Every sync run of the workspace, filterable by status. */
export function RunsPage() {
  const [status, setStatus] = useState<Status | ''>('');
  return (
    <section>
      <h1>Sync runs</h1>
      <div className="field inline">
        <label htmlFor="run-status">Status</label>
        <select id="run-status" value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      <RunsTable status={status || undefined} />
    </section>
  );
}
