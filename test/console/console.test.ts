import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONSOLE_BUILD_DIR } from '../../dev/console-build';
import { createEmulatorControl, type EmulatedTenant } from '../../emulator/control-client';
import { launchChromium } from '../helpers/browser';
import { as, startScheduleTest, type ScheduleTestStack } from '../schedules/support';
import { screenshot, seriousViolations, until, watchCspViolations, WIDE_ELEMENTS } from './browser-page';

const CLEAN = { guest: 0, disabled: 0, softDeleted: 0, noMail: 0, photo: 0 };

/**
 * The admin console in headless Chromium against the real stack (API with the console served,
 * worker, Postgres, Temporal, the Graph emulator's directory), walking the seed's click paths in
 * order on one page: each step starts where the previous one left the workspace.
 */
describe('admin console in a browser', () => {
  let stack: ScheduleTestStack;
  let browser: Browser;
  let page: Page;
  let server: Server;
  let origin: string;
  let ws: { id: string; apiKey: string };
  let tenant: EmulatedTenant;
  let control: ReturnType<ReturnType<typeof createEmulatorControl>['tenant']>;
  let csp: string[];
  let groupId: string;

  const api = () => as(stack.app, ws.apiKey);
  const go = async (hash: string) => {
    await page.goto(`${origin}/console/${hash}`);
  };
  const expectAccessible = async (where: string) => {
    expect(await seriousViolations(page), `axe on ${where}`).toEqual([]);
  };
  const button = (name: string) => page.getByRole('button', { name, exact: true });

  beforeAll(async () => {
    stack = await startScheduleTest({ worker: true, app: { consoleDir: CONSOLE_BUILD_DIR } });
    server = stack.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ws = await stack.createWorkspace();
    const emulator = createEmulatorControl(inject('emulatorUrl'));
    tenant = await emulator.createTenant({
      users: 10,
      seed: 2323,
      traits: CLEAN,
      groups: [{ displayName: 'Console Crew', users: 6, userOffset: 0 }],
    });
    control = emulator.tenant(tenant.tenantId);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
    csp = watchCspViolations(page);
    page.on('pageerror', (err) => console.error('console page error:', err));
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await stack?.close();
  });

  it('when /console and /docs are fetched, then they carry a strict CSP and the usual security headers', async () => {
    for (const path of ['/console/', '/docs']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status, path).toBe(200);
      const policy = res.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      expect(policy).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it('when the first console load is measured, then its JavaScript is under 300 KB gzip-compressed', async () => {
    const html = await (await fetch(`${origin}/console/`)).text();
    const scripts = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const src of scripts)
      gzipped += gzipSync(Buffer.from(await (await fetch(`${origin}${src}`)).arrayBuffer())).length;
    expect(gzipped).toBeLessThan(300 * 1024);
  });

  it('when a wrong key and then the workspace key are entered, then the first is refused and the second signs in', async () => {
    await go('');
    await page.getByLabel('API key').fill('ecs_not-a-key');
    await button('Sign in').click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/key|token|auth/i);
    await expectAccessible('sign in');
    await screenshot(page, 'sign-in');
    await page.getByLabel('API key').fill(ws.apiKey);
    await button('Sign in').click();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    expect(page.url()).not.toContain(ws.apiKey);
    expect(await page.evaluate<string[]>('Object.values(sessionStorage)')).toContain(ws.apiKey);
  });

  it('when the connection is saved and tested with a permission missing, then the missing permission is shown; with it granted, the test passes', async () => {
    await control.setRoles(['User.Read.All']);
    await go('#/connection');
    await page.getByLabel('Tenant id').fill(tenant.tenantId);
    await page.getByLabel('Client id').fill(tenant.clientId);
    await page.getByLabel('Client secret').fill(tenant.clientSecret);
    await page.getByText('Advanced: other clouds').click();
    await page.getByLabel('Authority host').fill(tenant.authorityHost);
    await page.getByLabel('Graph base URL').fill(tenant.graphBaseUrl);
    await button('Save').click();
    await page.getByText('Saved.').waitFor();
    expect(await page.getByLabel('Client secret').inputValue()).toBe('');
    await button('Test connection').click();
    await page.getByText('Connection needs attention').waitFor();
    expect(await page.getByRole('listitem').filter({ hasText: 'GroupMember.Read.All' }).count()).toBe(1);
    await expectAccessible('connection');
    await screenshot(page, 'connection');
    await control.setRoles(['User.Read.All', 'GroupMember.Read.All']);
    await button('Test connection').click();
    await page.getByText('Connection works').waitFor();
  });

  it('when a field is mapped to an extension attribute and a switch turned off, then Save stores both', async () => {
    await go('#/fields');
    await page
      .getByLabel('Graph source of officeLocation')
      .selectOption('onPremisesExtensionAttributes.extensionAttribute7');
    await page.getByRole('switch', { name: 'Overwrite country' }).uncheck();
    await page.getByLabel('Custom field name').fill('pronouns');
    await button('Add custom field').click();
    await expectAccessible('field settings');
    await button('Save').click();
    await page.getByText('Saved.').waitFor();
    const saved = (await api().get('/v1/field-settings')).body as Array<{
      field: string;
      source: string;
      overwrite: boolean;
    }>;
    expect(saved.find((s) => s.field === 'officeLocation')?.source).toBe(
      'onPremisesExtensionAttributes.extensionAttribute7',
    );
    expect(saved.find((s) => s.field === 'country')?.overwrite).toBe(false);
    expect(saved.some((s) => s.field === 'custom.pronouns')).toBe(true);
    await screenshot(page, 'field-settings');
  });

  it('when a group is linked from an Entra search and synced from its Settings tab, then the preview counts show and the progress bar reaches completion', async () => {
    await go('#/groups');
    await button('Link group').click();
    await page.getByLabel('Search Entra groups').fill('Console');
    await button('Search').click();
    await button('Link Console Crew').click();
    await page.getByRole('heading', { name: 'Console Crew', level: 1 }).waitFor();
    groupId = decodeURIComponent(page.url().split('#/groups/')[1]!.split('/')[0]!);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expectAccessible('group settings');
    await button('Sync Group').click();
    const dialog = page.getByRole('dialog', { name: 'Sync Group' });
    await dialog.waitFor();
    await dialog.locator('[data-count="wouldCreate"]').waitFor({ timeout: 30_000 });
    expect(await dialog.locator('[data-count="wouldCreate"]').textContent()).toBe('6');
    await expectAccessible('Sync Group dialog');
    await screenshot(page, 'sync-group');
    await dialog.getByRole('button', { name: 'Sync Group' }).click();
    await page.getByRole('progressbar', { name: 'Sync progress' }).waitFor();
    await until(
      page,
      'the progress bar to reach completion',
      `(() => {
        const bar = document.querySelector('[role="progressbar"]');
        return !!bar && bar.getAttribute('aria-valuetext') === 'sync completed' &&
          bar.getAttribute('aria-valuenow') === bar.getAttribute('aria-valuemax');
      })()`,
    );
    expect(await page.getByRole('progressbar').getAttribute('aria-valuemax')).toBe('6');
    await screenshot(page, 'group-synced');
    const recipients = await api().get(`/v1/recipients?groupId=${groupId}`);
    expect(recipients.body.items).toHaveLength(6);
  });

  async function followRecipientRun(mode: string): Promise<void> {
    const dialog = page.getByRole('dialog', { name: 'Sync Recipient' });
    const runLink = dialog.getByRole('link', { name: 'run details' });
    // The first mode has no run to compare with yet (getAttribute would wait for one).
    const before = (await runLink.count()) > 0 ? await runLink.getAttribute('href') : null;
    await dialog.getByRole('button', { name: mode }).click();
    await until(
      page,
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
    const [first] = (await api().get(`/v1/recipients?groupId=${groupId}&limit=1`)).body.items;
    await control.updateUser(first.entraUserId, { department: 'Console Research' });
    await go('#/recipients');
    await page.getByLabel('Search recipients').fill(first.email);
    await button('Search').click();
    await page.getByRole('link', { name: first.displayName }).click();
    await page.getByRole('toolbar', { name: 'Recipient actions' }).waitFor();
    await expectAccessible('recipient profile');
    await button('Sync').click();
    const dialog = page.getByRole('dialog', { name: 'Sync Recipient' });
    await dialog.waitFor();
    for (const text of [
      'without touching their card(s)',
      'without pulling anything from Entra ID',
      'then updates all cards assigned to that recipient',
    ])
      expect(await dialog.getByText(text, { exact: false }).count(), text).toBe(1);
    await expectAccessible('Sync Recipient dialog');
    await screenshot(page, 'sync-recipient');
    for (const mode of ['Sync Recipient Info', 'Sync Recipient Cards', 'Full Recipient Sync']) {
      await followRecipientRun(mode);
    }
    const modes = (await api().get(`/v1/sync-runs?recipientId=${first.id}&kind=recipient`)).body.items.map(
      (r: { mode: string }) => r.mode,
    );
    expect(modes.sort()).toEqual(['cards', 'full', 'info']);
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await until(
      page,
      'the synced department to show',
      "document.getElementById('f-department')?.value === 'Console Research'",
    );
    await until(
      page,
      'the change history to show the pulled department',
      `/department: .* → Console Research/.test(document.querySelector('[aria-label="Change history"]')?.textContent ?? '')`,
    );

    const image = new PNG({ width: 96, height: 96 });
    // Opaque blue (all-zero pixels would be transparent, and invisible in the screenshot).
    for (let i = 0; i < image.data.length; i += 4) image.data.set([11, 87, 164, 255], i);
    const png = PNG.sync.write(image);
    await page.setInputFiles('#photo-file', { name: 'me.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('img', { name: /^Photo of/ }).waitFor();
    expect((await api().get(`/v1/recipients/${first.id}`)).body.photo).not.toBeNull();
    await screenshot(page, 'recipient');
    await button('Remove photo').click();
    await page.getByText('No photo.').waitFor();
    expect((await api().get(`/v1/recipients/${first.id}`)).body.photo).toBeNull();

    await page.getByLabel('Lock job title').check();
    await button('Save profile').click();
    await page.getByText('Profile saved at').waitFor();
    expect((await api().get(`/v1/recipients/${first.id}`)).body.lockedFields).toContain('jobTitle');
    await expectAccessible('recipient profile after edits');
  });

  it('when a sync would remove more members than the threshold, then the run is held with its reasons and Approve lets it finish', async () => {
    await go(`#/groups/${groupId}/settings`);
    await page.getByLabel('Members removed from the group').selectOption('deactivate');
    await page.locator('#th-count').fill('1');
    await page.locator('#th-percent').fill('');
    await button('Save settings').click();
    await page.getByText('Saved.').waitFor();
    const members = (await api().get(`/v1/recipients?groupId=${groupId}&limit=2`)).body.items as Array<{
      entraUserId: string;
    }>;
    const entraGroupId = tenant.groups[0]!.id;
    for (const m of members) await control.removeMember(entraGroupId, m.entraUserId);

    await button('Sync Group').click();
    const dialog = page.getByRole('dialog', { name: 'Sync Group' });
    await dialog.locator('[data-count="wouldDeactivate"]').waitFor();
    expect(await dialog.locator('[data-count="wouldDeactivate"]').textContent()).toBe('2');
    await dialog.getByRole('button', { name: 'Sync Group' }).click();
    await page.getByRole('heading', { name: 'Held for approval' }).waitFor();
    await page.getByRole('list', { name: 'Planned removals' }).getByRole('listitem').nth(1).waitFor();
    expect(await page.getByRole('list', { name: 'Planned removals' }).getByRole('listitem').count()).toBe(2);
    expect(await page.getByText(/more than the threshold of 1/).count()).toBeGreaterThan(0);
    await expectAccessible('held run');
    await screenshot(page, 'held-run');
    await button('Approve').click();
    await until(
      page,
      'the approved run to complete',
      `document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuetext') === 'sync completed'`,
    );
    const run = (await api().get(`/v1/sync-runs?groupId=${groupId}&kind=group&limit=1`)).body.items[0];
    expect(run.status).toBe('completed');
    expect(run.approvedBy?.type).toBe('apiKey');
  });

  it('when a schedule is created with a time zone and a note, then it is listed, and Pause pauses it', async () => {
    await go(`#/groups/${groupId}/schedules`);
    await page.getByLabel('Every').selectOption('weekly');
    await page.getByLabel('On', { exact: true }).selectOption('friday');
    await page.getByLabel('At', { exact: true }).fill('07:30');
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await page.getByLabel('Note').fill('before the Berlin summit');
    await button('Create schedule').click();
    const item = page.getByRole('listitem', { name: 'Schedule every friday at 07:30' });
    await item.waitFor();
    expect(await item.textContent()).toContain('before the Berlin summit');
    expect(await item.textContent()).toContain('Europe/Berlin');
    await expectAccessible('schedules');
    await item.getByRole('button', { name: 'Pause' }).click();
    await item.getByRole('button', { name: 'Resume' }).waitFor();
    expect(await item.textContent()).toContain('Paused.');
    const [schedule] = (await api().get(`/v1/groups/${groupId}/schedules`)).body.items;
    expect(schedule).toMatchObject({
      paused: true,
      timezone: 'Europe/Berlin',
      note: 'before the Berlin summit',
    });
    await screenshot(page, 'schedules');
  });

  it('when a recipient run is opened from the history, then its per-recipient changes show field: old → new', async () => {
    const runs = (await api().get('/v1/sync-runs?kind=recipient&limit=50')).body.items as Array<{
      id: string;
      mode: string;
    }>;
    const info = runs.find((r) => r.mode === 'info')!;
    await go('#/runs');
    await page.locator(`a[href="#/runs/${info.id}"]`).click();
    const changes = page.getByRole('region', { name: 'Changes of this run' });
    await changes.waitFor();
    expect(await changes.textContent()).toMatch(/department: .* → Console Research/);
    await expectAccessible('run changes');
    await screenshot(page, 'run-changes');
    await go('#/runs');
    await page.getByRole('table').waitFor();
    await expectAccessible('sync runs');
    await screenshot(page, 'runs');
  });

  it('when a user outside the group is imported from an Entra search, then the import run completes and the new recipient can be deactivated and reactivated', async () => {
    const [outsider] = await control.listUsers({ offset: 8, limit: 1 });
    const name = String(outsider!.displayName);
    await go('#/import');
    await page.getByLabel('Search Entra users').fill(name);
    await button('Search').click();
    await page.getByRole('checkbox', { name: new RegExp(name) }).check();
    await button('Import 1 user').click();
    await until(
      page,
      'the import run to complete',
      `document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuetext') === 'sync completed'`,
    );
    await expectAccessible('import');
    await button('Search').click();
    await page.getByRole('link', { name: 'already a recipient' }).click();
    await button('Deactivate').click();
    await button('Reactivate').click();
    await button('Deactivate').waitFor();
    const [imported] = (await api().get(`/v1/recipients?entraUserId=${outsider!.id}`)).body.items;
    expect(imported.status).toBe('active');
    const changes = (await api().get(`/v1/recipients/${imported.id}/changes`)).body.items as Array<{
      action: string;
    }>;
    expect(changes.map((c) => c.action)).toEqual(
      expect.arrayContaining(['created', 'deactivated', 'reactivated']),
    );
  });

  it('when an endpoint URL is refused, then the reason shows by the form; an allowed one shows its secret once and sends a test event', async () => {
    await go('#/webhooks');
    await page.getByLabel('Endpoint URL').fill('https://10.1.2.3/in');
    await button('Add endpoint').click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('OUTBOUND_ALLOW_HOSTS');
    expect((await api().get('/v1/webhook-endpoints')).body.items).toEqual([]);
    const url = `${inject('emulatorUrl')}/console-test-receiver`;
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByLabel('Description').fill('CRM import');
    await button('Add endpoint').click();
    await page.getByText('copy it now').waitFor();
    expect(await page.locator('code.secret').textContent()).toMatch(/^whsec_/);
    const item = page.getByRole('listitem', { name: `Endpoint ${url}` });
    await item.getByRole('button', { name: 'Send test event' }).click();
    await item.getByRole('table').getByRole('cell', { name: 'ping' }).waitFor();
    await expectAccessible('webhooks');
    await screenshot(page, 'webhooks');
  });

  it('when the console is 360 px wide, then pages fit without sideways scrolling and stay accessible', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    for (const hash of [
      '#/groups',
      `#/groups/${groupId}/settings`,
      `#/groups/${groupId}/schedules`,
      '#/recipients',
      '#/runs',
      '#/connection',
      '#/fields',
      '#/import',
      '#/webhooks',
    ]) {
      await go(hash);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, `${hash}: ${await page.evaluate<string[]>(WIDE_ELEMENTS)}`).toBeLessThanOrEqual(0);
      await expectAccessible(`${hash} at 360 px`);
      if (hash === '#/groups') await screenshot(page, 'mobile-groups');
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('when only the keyboard is used, then the admin signs in, skips to the content, opens and closes the Sync Group dialog and signs out', async () => {
    await go('#/groups');
    await button('Sign out').click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | null>('document.activeElement?.id ?? null')).toBe('api-key');
    await page.keyboard.type(ws.apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('content');
    await go(`#/groups/${groupId}/settings`);
    await button('Sync Group').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Sync Group' });
    await dialog.waitFor();
    expect(await page.evaluate<boolean>("!!document.activeElement?.closest('dialog[open]')")).toBe(true);
    await dialog.locator('[data-count="wouldCreate"]').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('when /docs is opened, then the API reference renders the served OpenAPI, accessible, with nothing blocked by the CSP', async () => {
    await page.goto(`${origin}/docs`);
    await page.getByText('entra-card-sync API').first().waitFor();
    await page.getByText('/v1/groups/{id}/preview').first().waitFor();
    expect(csp).toEqual([]);
    await expectAccessible('/docs');
    await page.getByText('/v1/groups/{id}/preview').first().click();
    await page.getByText('Reads every member of the group').waitFor();
    await expectAccessible('/docs with an operation open');
    expect(csp).toEqual([]);
  });
});
