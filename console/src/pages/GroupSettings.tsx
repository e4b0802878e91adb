import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { SyncGroupDialog } from './SyncGroupDialog';
import { ThresholdFields } from './ThresholdFields';

type Options = Schemas['SyncOptions'];

function Choice<K extends keyof Options>(props: {
  name: K;
  label: string;
  value: string;
  choices: string[];
  onChange: (v: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={`opt-${props.name}`}>{props.label}</label>
      <select id={`opt-${props.name}`} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.choices.map((c) => (
          <option key={c} value={c}>
            {c.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A group's sync options and card template, and its actions: "Sync Group" and unlink. */
export function GroupSettings({
  group,
  onSyncStarted,
}: {
  group: Schemas['Group'];
  onSyncStarted: (runId: string) => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [o, setO] = useState<Options>(group.syncOptions);
  const [fields, setFields] = useState(group.cardTemplate.fields.join(', '));
  const [company, setCompany] = useState(
    Object.entries(group.cardTemplate.company)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  const [confirming, setConfirming] = useState(false);
  const set = (patch: Partial<Options>) => setO({ ...o, ...patch });

  const save = useMutation({
    mutationFn: async () => {
      const companyEntries = company
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]);
      return ok(
        await api.PATCH('/v1/groups/{id}', {
          params: { path: { id: group.id } },
          body: {
            syncOptions: o,
            cardTemplate: {
              fields: fields
                .split(',')
                .map((f) => f.trim())
                .filter(Boolean),
              company: Object.fromEntries(companyEntries),
            },
          },
        }),
      );
    },
    onSuccess: (saved) => queryClient.setQueryData(['group', group.id], saved),
  });
  const unlink = useMutation({
    mutationFn: async () => ok(await api.DELETE('/v1/groups/{id}', { params: { path: { id: group.id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['groups'] });
      window.location.hash = href('groups');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const check = (
    name: 'includeNestedGroups' | 'createCardsForNewMembers' | 'includeGuests',
    label: string,
  ) => (
    <label className="check">
      <input type="checkbox" checked={o[name]} onChange={(e) => set({ [name]: e.target.checked })} /> {label}
    </label>
  );

  return (
    <>
      <form onSubmit={submit} className="stack" aria-labelledby="sync-options-title">
        <h2 id="sync-options-title">Sync options</h2>
        {check('includeNestedGroups', 'Include members of nested groups')}
        {check('includeGuests', 'Include guest accounts')}
        {check('createCardsForNewMembers', 'Create cards for new members')}
        <Choice
          name="disabledUsers"
          label="Disabled accounts"
          value={o.disabledUsers}
          choices={['keep', 'deactivate', 'delete']}
          onChange={(v) => set({ disabledUsers: v as Options['disabledUsers'] })}
        />
        <Choice
          name="removedUsers"
          label="Members removed from the group"
          value={o.removedUsers}
          choices={['keep', 'remove_from_group', 'deactivate', 'delete']}
          onChange={(v) => set({ removedUsers: v as Options['removedUsers'] })}
        />
        <Choice
          name="deletedUsers"
          label="Accounts deleted in Entra"
          value={o.deletedUsers}
          choices={['deactivate', 'delete']}
          onChange={(v) => set({ deletedUsers: v as Options['deletedUsers'] })}
        />
        <ThresholdFields options={o} onChange={set} />
        <h2>Card template</h2>
        <div className="field">
          <label htmlFor="tpl-fields">Fields on the card, in order (comma-separated)</label>
          <input id="tpl-fields" value={fields} onChange={(e) => setFields(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="tpl-company">Company details, one name=value a line</label>
          <textarea id="tpl-company" rows={3} value={company} onChange={(e) => setCompany(e.target.value)} />
        </div>
        <div className="actions">
          <BusyButton type="submit" busy={save.isPending} busyLabel="Saving…">
            Save settings
          </BusyButton>
          {save.isSuccess && <span role="status">Saved.</span>}
        </div>
        <ErrorText error={save.error} />
      </form>
      <section className="panel" aria-labelledby="group-actions">
        <h2 id="group-actions">Actions</h2>
        <div className="actions">
          <button type="button" onClick={() => setConfirming(true)}>
            Sync Group
          </button>
          <BusyButton
            type="button"
            className="danger"
            busy={unlink.isPending}
            busyLabel="Unlinking…"
            onClick={() => window.confirm(`Unlink ${group.name} from this workspace?`) && unlink.mutate()}
          >
            Unlink group
          </BusyButton>
        </div>
        <ErrorText error={unlink.error} />
      </section>
      {confirming && (
        <SyncGroupDialog group={group} onClose={() => setConfirming(false)} onStarted={onSyncStarted} />
      )}
    </>
  );
}
