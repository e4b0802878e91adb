import { PNG } from 'pngjs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { as, eventually, linkTenant } from '../schedules/support';
import { screenshot, until } from './browser-page';
import { useConsoleFixture } from './console-fixture';

/**
 * The admin console in headless Chromium against the real stack: a recipient's click paths (the
 * three sync modes, photo, lock, history), a run's changes, Import from Entra and Webhooks, on a
 * workspace whose group was connected, linked and synced through the API first.
 */
describe('admin console in a browser: recipients, runs, import and webhooks', () => {
  const f = useConsoleFixture(2424);
  let groupId: string;

  beforeAll(async () => {
    [groupId] = await linkTenant(f.stack.app, f.ws.apiKey, f.tenant);
    const started = await f.api().post(`/v1/groups/${groupId}/sync`);
    expect(started.status, started.text).toBe(202);
    await eventually(
      async () => {
        const run = (await f.api().get(`/v1/sync-runs/${started.body.syncRunId}`)).body;
        return run.status === 'completed' ? run : undefined;
      },
      30_000,
      'the first group sync',
    );
    await f.signIn();
  });

  async function followRecipientRun(mode: string): Promise<void> {
    const dialog = f.page.getByRole('dialog', { name: 'Sync Recipient' });
    const runLink = dialog.getByRole('link', { name: 'run details' });
    // The first mode has no run to compare with yet (getAttribute would wait for one).
    const before = (await runLink.count()) > 0 ? await runLink.getAttribute('href') : null;
    await dialog.getByRole('button', { name: mode }).click();
    await until(
      f.page,
      `${mode} to complete`,
      `(() => {
        const d = document.querySelector('dialog[open]');
        const link = d && [...d.querySelectorAll('a')].find((a) => a.textContent === 'run details');
        const bar = d && d.querySelector('[role="progressbar"]');
        return !!link && link.getAttribute('href') !== ${JSON.stringify(before)} && !!bar &&
          bar.getAttribute('aria-valuetext') === 'sync completed';
      })()`,
    );
  }

  it('when a recipient is opened, then the Sync modal runs each of its three modes, a photo uploads and a field locks', async () => {
    const [first] = (await f.api().get(`/v1/recipients?groupId=${groupId}&limit=1`)).body.items;
    await f.control.updateUser(first.entraUserId, { department: 'Console Research' });
    await f.go('#/recipients');
    await f.page.getByLabel('Search recipients').fill(first.email);
    await f.button('Search').click();
    await f.page.getByRole('link', { name: first.displayName }).click();
    await f.page.getByRole('toolbar', { name: 'Recipient actions' }).waitFor();
    await f.expectAccessible('recipient profile');
    await f.button('Sync').click();
    const dialog = f.page.getByRole('dialog', { name: 'Sync Recipient' });
    await dialog.waitFor();
    for (const text of [
      'without touching their card(s)',
      'without pulling anything from Entra ID',
      'then updates all cards assigned to that recipient',
    ])
      expect(await dialog.getByText(text, { exact: false }).count(), text).toBe(1);
    await f.expectAccessible('Sync Recipient dialog');
    await screenshot(f.page, 'sync-recipient');
    for (const mode of ['Sync Recipient Info', 'Sync Recipient Cards', 'Full Recipient Sync']) {
      await followRecipientRun(mode);
    }
    const modes = (await f.api().get(`/v1/sync-runs?recipientId=${first.id}&kind=recipient`)).body.items.map(
      (r: { mode: string }) => r.mode,
    );
    expect(modes.sort()).toEqual(['cards', 'full', 'info']);
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await until(
      f.page,
      'the synced department to show',
      "document.getElementById('f-department')?.value === 'Console Research'",
    );
    await until(
      f.page,
      'the change history to show the pulled department',
      `/department: .* → Console Research/.test(document.querySelector('[aria-label="Change history"]')?.textContent ?? '')`,
    );

    const image = new PNG({ width: 96, height: 96 });
    // Opaque blue (all-zero pixels would be transparent, and invisible in the screenshot).
    for (let i = 0; i < image.data.length; i += 4) image.data.set([11, 87, 164, 255], i);
    const png = PNG.sync.write(image);
    await f.page.setInputFiles('#photo-file', { name: 'me.png', mimeType: 'image/png', buffer: png });
    await f.page.getByRole('img', { name: /^Photo of/ }).waitFor();
    expect((await f.api().get(`/v1/recipients/${first.id}`)).body.photo).not.toBeNull();
    await screenshot(f.page, 'recipient');
    await f.button('Remove photo').click();
    await f.page.getByText('No photo.').waitFor();
    expect((await f.api().get(`/v1/recipients/${first.id}`)).body.photo).toBeNull();

    await f.page.getByLabel('Lock job title').check();
    await f.button('Save profile').click();
    await f.page.getByText('Profile saved at').waitFor();
    expect((await f.api().get(`/v1/recipients/${first.id}`)).body.lockedFields).toContain('jobTitle');
    await f.expectAccessible('recipient profile after edits');
  });

  it('when a recipient run is opened from the history, then its per-recipient changes show field: old → new', async () => {
    const runs = (await f.api().get('/v1/sync-runs?kind=recipient&limit=50')).body.items as Array<{
      id: string;
      mode: string;
    }>;
    const info = runs.find((r) => r.mode === 'info')!;
    await f.go('#/runs');
    await f.page.locator(`a[href="#/runs/${info.id}"]`).click();
    const changes = f.page.getByRole('region', { name: 'Changes of this run' });
    await changes.waitFor();
    expect(await changes.textContent()).toMatch(/department: .* → Console Research/);
    await f.expectAccessible('run changes');
    await screenshot(f.page, 'run-changes');
    await f.go('#/runs');
    await f.page.getByRole('table').waitFor();
    await f.expectAccessible('sync runs');
    await screenshot(f.page, 'runs');
  });

  it('when a user outside the group is imported from an Entra search, then the import run completes and the new recipient can be deactivated and reactivated', async () => {
    const [outsider] = await f.control.listUsers({ offset: 8, limit: 1 });
    const name = String(outsider!.displayName);
    await f.go('#/import');
    await f.page.getByLabel('Search Entra users').fill(name);
    await f.button('Search').click();
    await f.page.getByRole('checkbox', { name: new RegExp(name) }).check();
    await f.button('Import 1 user').click();
    await until(
      f.page,
      'the import run to complete',
      `document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuetext') === 'sync completed'`,
    );
    await f.expectAccessible('import');
    await f.button('Search').click();
    await f.page.getByRole('link', { name: 'already a recipient' }).click();
    await f.button('Deactivate').click();
    await f.button('Reactivate').click();
    await f.button('Deactivate').waitFor();
    const [imported] = (await f.api().get(`/v1/recipients?entraUserId=${outsider!.id}`)).body.items;
    expect(imported.status).toBe('active');
    const changes = (await f.api().get(`/v1/recipients/${imported.id}/changes`)).body.items as Array<{
      action: string;
    }>;
    expect(changes.map((c) => c.action)).toEqual(
      expect.arrayContaining(['created', 'deactivated', 'reactivated']),
    );
  });

  it('when all groups are synced from the Groups page, then the workspace run completes; a recipient added by hand opens its profile', async () => {
    await f.go('#/groups');
    await f.button('Sync all groups').click();
    await until(
      f.page,
      'the workspace run to complete',
      `document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuetext') === 'sync completed'`,
    );
    const [run] = (await f.api().get('/v1/sync-runs?kind=workspace&limit=1')).body.items;
    expect(run.status).toBe('completed');

    await f.go('#/recipients');
    await f.button('New recipient').click();
    await f.page.getByLabel('Email').fill('visitor@example.test');
    await f.page.getByLabel('First name').fill('Vera');
    await f.page.getByLabel('Last name').fill('Visitor');
    await f.button('Add recipient').click();
    await f.page.getByRole('heading', { name: 'Vera Visitor', level: 1 }).waitFor();
    await f.expectAccessible('a manual recipient');
    const [manual] = (await f.api().get('/v1/recipients?q=visitor@example.test')).body.items;
    expect(manual.entraUserId).toBeNull();
  });

  it('when an endpoint URL is refused, then the reason shows by the form; an allowed one shows its secret once and sends a test event', async () => {
    await f.go('#/webhooks');
    await f.page.getByLabel('Endpoint URL').fill('https://10.1.2.3/in');
    await f.button('Add endpoint').click();
    await f.page.getByRole('alert').waitFor();
    expect(await f.page.getByRole('alert').textContent()).toContain('OUTBOUND_ALLOW_HOSTS');
    expect((await f.api().get('/v1/webhook-endpoints')).body.items).toEqual([]);
    const url = `${inject('emulatorUrl')}/console-test-receiver`;
    await f.page.getByLabel('Endpoint URL').fill(url);
    await f.page.getByLabel('Description').fill('CRM import');
    await f.button('Add endpoint').click();
    await f.page.getByText('copy it now').waitFor();
    expect(await f.page.locator('code.secret').textContent()).toMatch(/^whsec_/);
    const item = f.page.getByRole('listitem', { name: `Endpoint ${url}` });
    await item.getByRole('button', { name: 'Send test event' }).click();
    await item.getByRole('table').getByRole('cell', { name: 'ping' }).waitFor();
    await f.expectAccessible('webhooks');
    await screenshot(f.page, 'webhooks');
  });

  it('when the signed-in key is revoked, then the next page load signs out with a message saying why', async () => {
    const created = await f.api().post('/v1/api-keys', {});
    expect(created.status, created.text).toBe(201);
    const others = (await f.api().get('/v1/api-keys')).body.items as Array<{ id: string }>;
    const old = others.find((k) => k.id !== created.body.id)!;
    const revoked = await as(f.stack.app, created.body.apiKey).delete(`/v1/api-keys/${old.id}`);
    expect(revoked.status, revoked.text).toBe(204);
    await f.go('#/groups');
    await f.page.reload();
    await f.page.getByText('no longer accepts this key').waitFor();
    expect(await f.page.evaluate<number>('sessionStorage.length')).toBe(0);
    await f.expectAccessible('signed out by a revoked key');
  });
});
