import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, ok } from '../api/client';
import { useApi } from '../api/context';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';
import { when } from '../ui/format';

/** The workspace's Entra app registration; the secret goes in and never comes back. */
export function ConnectionPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const current = useQuery({
    queryKey: ['entra-connection'],
    queryFn: async () => {
      try {
        return ok(await api.GET('/v1/entra-connection'));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
  const [form, setForm] = useState<Record<string, string> | null>(null);
  const values = form ?? {
    tenantId: current.data?.tenantId ?? '',
    clientId: current.data?.clientId ?? '',
    clientSecret: '',
    authorityHost: current.data?.authorityHost ?? '',
    graphBaseUrl: current.data?.graphBaseUrl ?? '',
  };
  const set = (name: string, value: string) => setForm({ ...values, [name]: value });

  const save = useMutation({
    mutationFn: async () =>
      ok(
        await api.PUT('/v1/entra-connection', {
          body: {
            tenantId: values.tenantId!.trim(),
            clientId: values.clientId!.trim(),
            clientSecret: values.clientSecret!,
            ...(values.authorityHost ? { authorityHost: values.authorityHost.trim() } : {}),
            ...(values.graphBaseUrl ? { graphBaseUrl: values.graphBaseUrl.trim() } : {}),
          },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['entra-connection'], saved);
      setForm(null);
    },
  });
  const test = useMutation({ mutationFn: async () => ok(await api.POST('/v1/entra-connection/test')) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const field = (name: string, label: string, hint?: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`conn-${name}`}>{label}</label>
      <input
        id={`conn-${name}`}
        type={type}
        autoComplete="off"
        value={values[name] ?? ''}
        onChange={(e) => set(name, e.target.value)}
        aria-describedby={hint ? `conn-${name}-hint` : undefined}
      />
      {hint && (
        <small id={`conn-${name}-hint`} className="hint">
          {hint}
        </small>
      )}
    </div>
  );

  return (
    <section>
      <h1>Connection</h1>
      <p>The Microsoft Entra app registration this workspace reads users and groups with.</p>
      <ErrorText error={current.error} />
      {current.data && (
        <p className="muted">
          Connected to tenant {current.data.tenantId}; secret stored (never shown). Saved{' '}
          {when(current.data.updatedAt)}.
        </p>
      )}
      <form onSubmit={submit} className="stack">
        {field('tenantId', 'Tenant id')}
        {field('clientId', 'Client id')}
        {field(
          'clientSecret',
          'Client secret',
          current.data ? 'Enter the secret again to save changes; the stored one is never shown.' : undefined,
          'password',
        )}
        <details>
          <summary>Advanced: other clouds</summary>
          {field('authorityHost', 'Authority host', 'Empty for login.microsoftonline.com.')}
          {field('graphBaseUrl', 'Graph base URL', 'Empty for https://graph.microsoft.com.')}
        </details>
        <div className="actions">
          <BusyButton type="submit" busy={save.isPending} busyLabel="Saving…">
            Save
          </BusyButton>
          <BusyButton
            type="button"
            busy={test.isPending}
            busyLabel="Testing…"
            disabled={!current.data}
            onClick={() => test.mutate()}
          >
            Test connection
          </BusyButton>
        </div>
        {save.isSuccess && <p role="status">Saved.</p>}
        <ErrorText error={save.error} />
        <ErrorText error={test.error} />
      </form>
      {test.data && (
        <div role="status" className={test.data.ok ? 'ok-box' : 'warn-box'}>
          <h2>{test.data.ok ? 'Connection works' : 'Connection needs attention'}</h2>
          <p>{test.data.detail}</p>
          {test.data.missingPermissions.length > 0 && (
            <>
              <p>Missing application permissions (grant them and give admin consent in Entra):</p>
              <ul>
                {test.data.missingPermissions.map((p) => (
                  <li key={p}>
                    <code>{p}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
