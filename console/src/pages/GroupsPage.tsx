import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ok } from '../api/client';
import { useApi } from '../api/context';
import { href } from '../app/route';
import { ErrorText } from '../ui/ErrorText';
import { when } from '../ui/format';
import { LinkGroup } from './LinkGroup';
import { SyncAllGroups } from './SyncAllGroups';
import { TableWrap } from '../ui/TableWrap';

/** The linked Entra groups, with their size and when they last synced. */
export function GroupsPage() {
  const api = useApi();
  const [linking, setLinking] = useState(false);
  const groups = useQuery({
    queryKey: ['groups'],
    queryFn: async () => ok(await api.GET('/v1/groups', { params: { query: { limit: 200 } } })),
  });
  return (
    <section>
      <div className="title-row">
        <h1>Groups</h1>
        <button type="button" onClick={() => setLinking(!linking)} aria-expanded={linking}>
          Link group
        </button>
      </div>
      {linking && <LinkGroup onDone={() => setLinking(false)} />}
      {groups.data && groups.data.items.length > 0 && <SyncAllGroups />}
      <ErrorText error={groups.error} />
      {groups.isPending && <p role="status">Loading groups…</p>}
      {groups.data && groups.data.items.length === 0 && <p>No group is linked yet: use “Link group”.</p>}
      {groups.data && groups.data.items.length > 0 && (
        <TableWrap label="Linked groups">
          <table>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Members</th>
                <th scope="col">Last sync</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.items.map((g) => (
                <tr key={g.id}>
                  <td>
                    <a href={href('groups', g.id)}>{g.name}</a>
                  </td>
                  <td>{g.memberCount}</td>
                  <td>{when(g.lastSyncedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}
