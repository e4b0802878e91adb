import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { createApiClient } from '../api/client';
import { ApiContext } from '../api/context';
import { clearApiKey, readApiKey, storeApiKey } from '../session';
import { Pages } from './Pages';
import { href, useRoute } from './route';
import { SignIn } from './SignIn';

const NAV = [
  ['groups', 'Groups'],
  ['recipients', 'Recipients'],
  ['runs', 'Sync runs'],
  ['import', 'Import from Entra'],
  ['connection', 'Connection'],
  ['fields', 'Field settings'],
  ['webhooks', 'Webhooks'],
] as const;

export function App() {
  const [apiKey, setApiKey] = useState(readApiKey);
  const [notice, setNotice] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const route = useRoute();
  const signOut = (why: string | null = null) => {
    clearApiKey();
    queryClient.clear();
    setNotice(why);
    setApiKey(null);
  };
  // A key revoked mid-session (401) signs the admin out instead of failing every page.
  const api = useMemo(
    () =>
      apiKey
        ? createApiClient(apiKey, () =>
            signOut('The API no longer accepts this key (revoked or expired): sign in with a current one.'),
          )
        : null,
    [apiKey],
  );

  if (!api)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(key) => {
          storeApiKey(key);
          setApiKey(key);
        }}
      />
    );
  const section = route[0] ?? 'groups';
  return (
    <ApiContext.Provider value={api}>
      <a
        className="skip"
        href="#content"
        onClick={(e) => (e.preventDefault(), document.getElementById('content')?.focus())}
      >
        Skip to content
      </a>
      <header className="top">
        <span className="brand">entra-card-sync</span>
        <nav aria-label="Sections">
          <ul>
            {NAV.map(([id, label]) => (
              <li key={id}>
                <a href={href(id)} aria-current={section === id ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="content" tabIndex={-1}>
        <Pages route={route.length ? route : ['groups']} />
      </main>
    </ApiContext.Provider>
  );
}
