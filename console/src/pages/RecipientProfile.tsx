import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ok, type Schemas } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { words } from '../ui/format';
import { PROFILE_COLUMNS } from '../../../domain/recipient';

type Recipient = Schemas['Recipient'];
// the profile's text fields, in the order the API and the sync keep them
type Field = (typeof PROFILE_COLUMNS)[number];

/** The profile's fields, edited by hand; a locked field keeps its value when a sync runs. */
export function RecipientProfile({ recipient, onSaved }: { recipient: Recipient; onSaved: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const initial = () =>
    Object.fromEntries(PROFILE_COLUMNS.map((f) => [f, recipient[f] ?? ''])) as Record<Field, string>;
  const [values, setValues] = useState(initial);
  const [locked, setLocked] = useState<string[]>(recipient.lockedFields);
  const custom = Object.entries(recipient.customFields);

  const save = useMutation({
    mutationFn: async () => {
      const changed = PROFILE_COLUMNS.filter((f) => values[f] !== (recipient[f] ?? ''));
      const body: Record<string, unknown> = Object.fromEntries(
        changed.map((f) => [f, values[f] === '' && f !== 'email' ? null : values[f]]),
      );
      return ok(
        await api.PATCH('/v1/recipients/{id}', {
          params: { path: { id: recipient.id } },
          body: { ...body, lockedFields: locked },
        }),
      );
    },
    onSuccess: (saved) => {
      onSaved();
      queryClient.setQueryData(['recipient', recipient.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['recipient-changes', recipient.id] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="profile-title" className="stack">
      <h2 id="profile-title">Profile</h2>
      <div className="profile-grid">
        {PROFILE_COLUMNS.map((f) => (
          <div className="field" key={f}>
            <label htmlFor={`f-${f}`}>{words(f)}</label>
            <div className="with-lock">
              <input
                id={`f-${f}`}
                value={values[f]}
                onChange={(e) => setValues({ ...values, [f]: e.target.value })}
              />
              <label className="check lock">
                <input
                  type="checkbox"
                  checked={locked.includes(f)}
                  aria-label={`Lock ${words(f)}`}
                  onChange={(e) =>
                    setLocked(e.target.checked ? [...locked, f] : locked.filter((l) => l !== f))
                  }
                />{' '}
                <span aria-hidden="true">lock</span>
              </label>
            </div>
          </div>
        ))}
      </div>
      {custom.length > 0 && (
        <dl className="counts" aria-label="Custom fields">
          {custom.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v ?? '—'}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="actions">
        <BusyButton type="submit" busy={save.isPending} busyLabel="Saving…">
          Save profile
        </BusyButton>
      </div>
      <ErrorText error={save.error} />
    </form>
  );
}
