import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ok } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';

/** A recipient entered by hand (not from Entra): no sync changes it. */
export function AddRecipient() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const create = useMutation({
    mutationFn: async () =>
      ok(
        await api.POST('/v1/recipients', {
          body: {
            email: email.trim(),
            firstName: firstName.trim() || null,
            lastName: lastName.trim() || null,
          },
        }),
      ),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['recipients'] });
      window.location.hash = href('recipients', created.id);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} className="panel inline-form" aria-labelledby="add-recipient">
      <h2 id="add-recipient" className="full">
        Add a recipient by hand
      </h2>
      <div className="field">
        <label htmlFor="new-email">Email</label>
        <input
          id="new-email"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="new-first">First name</label>
        <input id="new-first" value={firstName} onChange={(e) => setFirstName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="new-last">Last name</label>
        <input id="new-last" value={lastName} onChange={(e) => setLastName(e.target.value)} />
      </div>
      <BusyButton type="submit" busy={create.isPending} busyLabel="Adding…">
        Add recipient
      </BusyButton>
      <ErrorText error={create.error} />
    </form>
  );
}
