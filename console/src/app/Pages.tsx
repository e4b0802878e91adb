import { ConnectionPage } from '../pages/ConnectionPage';
import { FieldSettingsPage } from '../pages/FieldSettingsPage';
import { GroupPage } from '../pages/GroupPage';
import { GroupsPage } from '../pages/GroupsPage';
import { ImportPage } from '../pages/ImportPage';
import { RecipientPage } from '../pages/RecipientPage';
import { RecipientsPage } from '../pages/RecipientsPage';
import { RunPage } from '../pages/RunPage';
import { RunsPage } from '../pages/RunsPage';
import { WebhooksPage } from '../pages/WebhooksPage';

/** The page for a hash route; an unknown one says so instead of a blank screen. */
export function Pages({ route }: { route: string[] }) {
  const [section, id] = route;
  switch (section) {
    case 'groups':
      return id ? <GroupPage key={id} id={id} tab={route[2] ?? 'overview'} /> : <GroupsPage />;
    case 'recipients':
      return id ? <RecipientPage key={id} id={id} /> : <RecipientsPage />;
    case 'runs':
      return id ? <RunPage key={id} id={id} /> : <RunsPage />;
    case 'import':
      return <ImportPage />;
    case 'connection':
      return <ConnectionPage />;
    case 'fields':
      return <FieldSettingsPage />;
    case 'webhooks':
      return <WebhooksPage />;
    default:
      return <h1>Nothing here: pick a section above.</h1>;
  }
}
