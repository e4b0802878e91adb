import { useState, type FormEvent } from 'react';
import { createApiClient, ok } from '../api/client';
import { BusyButton } from '../ui/BusyButton';
import { ErrorText } from '../ui/ErrorText';

/** Checks the key against the API before keeping it, so a typo is reported here, not later. */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      ok(await createApiClient(key.trim(), () => {}).GET('/v1/workspace/settings'));
      onSignedIn(key.trim());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <h1>entra-card-sync</h1>
      <p>Sign in with a workspace API key. It stays in this tab only and is forgotten when the tab closes.</p>
      {notice && (
        <p role="status" className="warn-box">
          {notice}
        </p>
      )}
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
        />
        <BusyButton type="submit" busy={busy} busyLabel="Signing in…">
          Sign in
        </BusyButton>
        <ErrorText error={error} />
      </form>
    </main>
  );
}
