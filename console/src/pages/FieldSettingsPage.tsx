import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { GRAPH_SOURCES } from './graph-sources';
import { TableWrap } from '../ui/TableWrap';

type Setting = Schemas['FieldSetting'];

function SourceSelect({
  id,
  value,
  onChange,
  label,
}: {
  id: string;
  value: string;
  label: string;
  onChange: (v: string) => void;
}) {
  const choices = GRAPH_SOURCES.includes(value) ? GRAPH_SOURCES : [value, ...GRAPH_SOURCES];
  return (
    <select id={id} aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      {choices.map((s) => (
        <option key={s} value={s}>
          {s}
        </option>
      ))}
    </select>
  );
}

/** Which Graph property fills each recipient field, and whether a sync may set or overwrite it. */
export function FieldSettingsPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const saved = useQuery({
    queryKey: ['field-settings'],
    queryFn: async () => ok(await api.GET('/v1/field-settings')),
  });
  const [edited, setEdited] = useState<Setting[] | null>(null);
  const [newName, setNewName] = useState('');
  const [newSource, setNewSource] = useState(GRAPH_SOURCES[0]!);
  const rows = edited ?? saved.data ?? [];
  const change = (i: number, patch: Partial<Setting>) =>
    setEdited(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const save = useMutation({
    mutationFn: async () => ok(await api.PUT('/v1/field-settings', { body: rows })),
    onSuccess: (data) => {
      queryClient.setQueryData(['field-settings'], data);
      setEdited(null);
    },
  });
  const addCustom = (e: FormEvent) => {
    e.preventDefault();
    const key = newName.trim().replace(/^custom\./, '');
    if (!key) return;
    setEdited([...rows, { field: `custom.${key}`, source: newSource, sync: true, overwrite: true }]);
    setNewName('');
  };

  return (
    <section>
      <h1>Field settings</h1>
      <p>
        Each recipient field, the Entra (Microsoft Graph) property it comes from, and what a sync may do with
        it.
      </p>
      <ErrorText error={saved.error} />
      {saved.isPending && <p role="status">Loading…</p>}
      <TableWrap label="Field settings">
        <table>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Graph source</th>
              <th scope="col">Sync</th>
              <th scope="col">Overwrite</th>
              <th scope="col">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.field}>
                <th scope="row">{r.field}</th>
                <td>
                  <SourceSelect
                    id={`src-${r.field}`}
                    label={`Graph source of ${r.field}`}
                    value={r.source}
                    onChange={(source) => change(i, { source })}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    role="switch"
                    aria-label={`Sync ${r.field}`}
                    checked={r.sync}
                    onChange={(e) => change(i, { sync: e.target.checked })}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    role="switch"
                    aria-label={`Overwrite ${r.field}`}
                    checked={r.overwrite}
                    onChange={(e) => change(i, { overwrite: e.target.checked })}
                  />
                </td>
                <td>
                  {r.field.startsWith('custom.') && (
                    <button type="button" onClick={() => setEdited(rows.filter((_, j) => j !== i))}>
                      Remove {r.field}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <form onSubmit={addCustom} className="inline-form" aria-label="Add a custom field">
        <div className="field">
          <label htmlFor="custom-name">Custom field name</label>
          <input
            id="custom-name"
            value={newName}
            placeholder="e.g. pronouns"
            onChange={(e) => setNewName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="custom-source">Its Graph source</label>
          <SourceSelect
            id="custom-source"
            label="Its Graph source"
            value={newSource}
            onChange={setNewSource}
          />
        </div>
        <button type="submit">Add custom field</button>
      </form>
      <div className="actions">
        <BusyButton type="button" busy={save.isPending} busyLabel="Saving…" onClick={() => save.mutate()}>
          Save
        </BusyButton>
        {edited && <span className="muted">Unsaved changes</span>}
        {save.isSuccess && !edited && <span role="status">Saved.</span>}
      </div>
      <ErrorText error={save.error} />
    </section>
  );
}
