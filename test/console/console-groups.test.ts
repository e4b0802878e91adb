import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { screenshot, until, WIDE_ELEMENTS } from './browser-page';
import { useConsoleFixture } from './console-fixture';
import { eventually } from '../schedules/support';

/**
 * The admin console in headless Chromium against the real stack (API with the console served,
 * worker, Postgres, Temporal, the Graph emulator's directory): sign-in, the workspace's settings and
 * a group's click paths, in order on one page, each step starting where the previous one left the
 * workspace; then the layout at 360 px, keyboard-only use and /docs.
 */
describe('admin console in a browser: workspace and groups', () => {
  const f = useConsoleFixture(2323);
  let groupId: string;

  it('when /console and /docs are fetched, then they carry a strict CSP and the usual security headers', async () => {
    for (const path of ['/console/', '/docs']) {
      const res = await fetch(`${f.origin}${path}`);
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
    const html = await (await fetch(`${f.origin}/console/`)).text();
    const scripts = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const src of scripts)
      gzipped += gzipSync(Buffer.from(await (await fetch(`${f.origin}${src}`)).arrayBuffer())).length;
    expect(gzipped).toBeLessThan(300 * 1024);
  });

  it('when a wrong key and then the workspace key are entered, then the first is refused and the second signs in', async () => {
    await f.go('');
    await f.page.getByLabel('API key').fill('ecs_not-a-key');
    await f.button('Sign in').click();
    await f.page.getByRole('alert').waitFor();
    expect(await f.page.getByRole('alert').textContent()).toMatch(/key|token|auth/i);
    await f.expectAccessible('sign in');
    await screenshot(f.page, 'sign-in');
    await f.page.getByLabel('API key').fill(f.ws.apiKey);
    await f.button('Sign in').click();
    await f.page.getByRole('navigation', { name: 'Sections' }).waitFor();
    expect(f.page.url()).not.toContain(f.ws.apiKey);
    expect(await f.page.evaluate<string[]>('Object.values(sessionStorage)')).toContain(f.ws.apiKey);
  });

  it('when the connection is saved and tested with a permission missing, then the missing permission is shown; with it granted, the test passes', async () => {
    await f.control.setRoles(['User.Read.All']);
    await f.go('#/connection');
    await f.page.getByLabel('Tenant id').fill(f.tenant.tenantId);
    await f.page.getByLabel('Client id').fill(f.tenant.clientId);
    await f.page.getByLabel('Client secret').fill(f.tenant.clientSecret);
    await f.page.getByText('Advanced: other clouds').click();
    await f.page.getByLabel('Authority host').fill(f.tenant.authorityHost);
    await f.page.getByLabel('Graph base URL').fill(f.tenant.graphBaseUrl);
    await f.button('Save').click();
    await f.page.getByText('Saved.').waitFor();
    expect(await f.page.getByLabel('Client secret').inputValue()).toBe('');
    await f.button('Test connection').click();
    await f.page.getByText('Connection needs attention').waitFor();
    expect(await f.page.getByRole('listitem').filter({ hasText: 'GroupMember.Read.All' }).count()).toBe(1);
    await f.expectAccessible('connection');
    await screenshot(f.page, 'connection');
    await f.control.setRoles(['User.Read.All', 'GroupMember.Read.All']);
    await f.button('Test connection').click();
    await f.page.getByText('Connection works').waitFor();
  });

  it('when a field is mapped to an extension attribute and a switch turned off, then Save stores both', async () => {
    await f.go('#/fields');
    await f.page
      .getByLabel('Graph source of officeLocation')
      .selectOption('onPremisesExtensionAttributes.extensionAttribute7');
    await f.page.getByRole('switch', { name: 'Overwrite country' }).uncheck();
    await f.page.getByLabel('Custom field name').fill('pronouns');
    await f.button('Add custom field').click();
    await f.expectAccessible('field settings');
    await f.button('Save').click();
    await f.page.getByText('Saved.').waitFor();
    const saved = (await f.api().get('/v1/field-settings')).body as Array<{
      field: string;
      source: string;
      overwrite: boolean;
    }>;
    expect(saved.find((s) => s.field === 'officeLocation')?.source).toBe(
      'onPremisesExtensionAttributes.extensionAttribute7',
    );
    expect(saved.find((s) => s.field === 'country')?.overwrite).toBe(false);
    expect(saved.some((s) => s.field === 'custom.pronouns')).toBe(true);
    await screenshot(f.page, 'field-settings');
  });

  it('when a group is linked from an Entra search and synced from its Settings tab, then the preview counts show and the progress bar reaches completion', async () => {
    await f.go('#/groups');
    await f.button('Link group').click();
    await f.page.getByLabel('Search Entra groups').fill('Console');
    await f.button('Search').click();
    await f.button('Link Console Crew').click();
    await f.page.getByRole('heading', { name: 'Console Crew', level: 1 }).waitFor();
    groupId = decodeURIComponent(f.page.url().split('#/groups/')[1]!.split('/')[0]!);
    await f.page.getByRole('link', { name: 'Settings', exact: true }).click();
    await f.expectAccessible('group settings');
    await f.button('Sync Group').click();
    const dialog = f.page.getByRole('dialog', { name: 'Sync Group' });
    await dialog.waitFor();
    await dialog.locator('[data-count="wouldCreate"]').waitFor({ timeout: 30_000 });
    expect(await dialog.locator('[data-count="wouldCreate"]').textContent()).toBe('6');
    await f.expectAccessible('Sync Group dialog');
    await screenshot(f.page, 'sync-group');
    await dialog.getByRole('button', { name: 'Sync Group' }).click();
    await f.page.getByRole('progressbar', { name: 'Sync progress' }).waitFor();
    await until(
      f.page,
      'the progress bar to reach completion',
      `(() => {
        const bar = document.querySelector('[role="progressbar"]');
        return !!bar && bar.getAttribute('aria-valuetext') === 'sync completed' &&
          bar.getAttribute('aria-valuenow') === bar.getAttribute('aria-valuemax');
      })()`,
    );
    expect(await f.page.getByRole('progressbar').getAttribute('aria-valuemax')).toBe('6');
    await screenshot(f.page, 'group-synced');
    const recipients = await f.api().get(`/v1/recipients?groupId=${groupId}`);
    expect(recipients.body.items).toHaveLength(6);
  });

  it('when a sync would remove more members than the threshold, then the run is held with its reasons and Approve lets it finish', async () => {
    await f.go(`#/groups/${groupId}/settings`);
    await f.page.getByLabel('Members removed from the group').selectOption('deactivate');
    await f.page.locator('#th-count').fill('1');
    await f.page.locator('#th-percent').fill('');
    await f.button('Save settings').click();
    await f.page.getByText('Saved.').waitFor();
    const members = (await f.api().get(`/v1/recipients?groupId=${groupId}&limit=2`)).body.items as Array<{
      entraUserId: string;
      displayName: string;
    }>;
    const entraGroupId = f.tenant.groups[0]!.id;
    for (const m of members) await f.control.removeMember(entraGroupId, m.entraUserId);

    await f.button('Sync Group').click();
    const dialog = f.page.getByRole('dialog', { name: 'Sync Group' });
    await dialog.locator('[data-count="wouldDeactivate"]').waitFor();
    expect(await dialog.locator('[data-count="wouldDeactivate"]').textContent()).toBe('2');
    await dialog.getByRole('button', { name: 'Sync Group' }).click();
    await f.page.getByRole('heading', { name: 'Held for approval' }).waitFor();
    await f.page.getByRole('list', { name: 'Planned removals' }).getByRole('listitem').nth(1).waitFor();
    expect(await f.page.getByRole('list', { name: 'Planned removals' }).getByRole('listitem').count()).toBe(
      2,
    );
    expect(await f.page.getByText(/more than the threshold of 1/).count()).toBeGreaterThan(0);
    for (const m of members)
      await f.page
        .getByRole('list', { name: 'Planned removals' })
        .getByRole('link', { name: m.displayName })
        .waitFor();
    await f.expectAccessible('held run');
    await screenshot(f.page, 'held-run');
    await f.button('Approve').click();
    await until(
      f.page,
      'the approved run to complete',
      `document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuetext') === 'sync completed'`,
    );
    const run = (await f.api().get(`/v1/sync-runs?groupId=${groupId}&kind=group&limit=1`)).body.items[0];
    expect(run.status).toBe('completed');
    expect(run.approvedBy?.type).toBe('apiKey');
  });

  it('when a bad cron line is given, then the API reason shows by the form; a schedule with a time zone and a note is listed, and Pause, Resume, Run now and Delete work', async () => {
    await f.go(`#/groups/${groupId}/schedules`);
    await f.page.getByLabel('Cron expression').check();
    await f.page.getByLabel(/^Cron \(minute/).fill('61 * * * *');
    await f.button('Create schedule').click();
    const refusal = f.page.getByRole('form', { name: 'New schedule' }).getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/cron|minute|61/i);
    await f.page.getByLabel('Repeating').check();
    await f.page.getByLabel('Every').selectOption('weekly');
    await f.page.getByLabel('On', { exact: true }).selectOption('friday');
    await f.page.getByLabel('At', { exact: true }).fill('07:30');
    await f.page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await f.page.getByLabel('Note').fill('before the Berlin summit');
    await f.button('Create schedule').click();
    const item = f.page.getByRole('listitem', { name: 'Schedule every friday at 07:30' });
    await item.waitFor();
    expect(await item.textContent()).toContain('before the Berlin summit');
    expect(await item.textContent()).toContain('Europe/Berlin');
    await f.expectAccessible('schedules');
    await item.getByRole('button', { name: 'Pause' }).click();
    await item.getByRole('button', { name: 'Resume' }).waitFor();
    expect(await item.textContent()).toContain('Paused.');
    const [schedule] = (await f.api().get(`/v1/groups/${groupId}/schedules`)).body.items;
    expect(schedule).toMatchObject({
      paused: true,
      timezone: 'Europe/Berlin',
      note: 'before the Berlin summit',
    });
    await screenshot(f.page, 'schedules');

    await f.page.getByLabel('Once, at a date and time').check();
    await f.page.getByLabel('Date and time', { exact: true }).fill('2027-06-01T08:00');
    await f.page.getByLabel('Time zone').selectOption('America/New_York');
    await f.page.getByLabel('Note').fill('one-off');
    await f.button('Create schedule').click();
    const once = f.page.getByRole('listitem', { name: 'Schedule once at 2027-06-01T08:00:00' });
    await once.waitFor();
    await item.getByRole('button', { name: 'Resume' }).click();
    await item.getByRole('button', { name: 'Pause' }).waitFor();
    await item.getByRole('button', { name: 'Run now' }).click();
    await once.getByRole('button', { name: 'Delete' }).click();
    await once.waitFor({ state: 'detached' });
    const left = (await f.api().get(`/v1/groups/${groupId}/schedules`)).body.items;
    expect(left).toHaveLength(1);
    expect(left[0].paused).toBe(false);
    const byScheduleRuns = await eventually(
      async () => {
        const runs = (await f.api().get(`/v1/sync-runs?groupId=${groupId}&trigger=schedule`)).body.items;
        return runs.length > 0 ? runs : undefined;
      },
      20_000,
      'a run started by "Run now"',
    );
    expect(byScheduleRuns[0].trigger).toBe('schedule');
  });

  it('when the console is 360 px wide, then pages fit without sideways scrolling and stay accessible', async () => {
    await f.page.setViewportSize({ width: 360, height: 780 });
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
      await f.go(hash);
      await f.page.getByRole('heading', { level: 1 }).first().waitFor();
      const overflow = await f.page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow, `${hash}: ${await f.page.evaluate<string[]>(WIDE_ELEMENTS)}`).toBeLessThanOrEqual(0);
      await f.expectAccessible(`${hash} at 360 px`);
      if (hash === '#/groups') await screenshot(f.page, 'mobile-groups');
    }
    await f.page.setViewportSize({ width: 1280, height: 900 });
  });

  it('when only the keyboard is used, then the admin signs in, skips to the content, opens and closes the Sync Group dialog and signs out', async () => {
    await f.go('#/groups');
    await f.button('Sign out').click();
    await f.page.getByLabel('API key').waitFor();
    expect(await f.page.evaluate<number>('sessionStorage.length')).toBe(0);
    await f.page.keyboard.press('Tab');
    expect(await f.page.evaluate<string | null>('document.activeElement?.id ?? null')).toBe('api-key');
    await f.page.keyboard.type(f.ws.apiKey);
    await f.page.keyboard.press('Enter');
    await f.page.getByRole('navigation', { name: 'Sections' }).waitFor();
    await f.page.keyboard.press('Tab');
    expect(await f.page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await f.page.keyboard.press('Enter');
    expect(await f.page.evaluate<string>('document.activeElement.id')).toBe('content');
    await f.go(`#/groups/${groupId}/settings`);
    await f.button('Sync Group').focus();
    await f.page.keyboard.press('Enter');
    const dialog = f.page.getByRole('dialog', { name: 'Sync Group' });
    await dialog.waitFor();
    expect(await f.page.evaluate<boolean>("!!document.activeElement?.closest('dialog[open]')")).toBe(true);
    await dialog.locator('[data-count="wouldCreate"]').waitFor();
    await f.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('when /docs is opened, then the API reference renders the served OpenAPI, accessible, with nothing blocked by the CSP', async () => {
    await f.page.goto(`${f.origin}/docs`);
    await f.page.getByText('entra-card-sync API').first().waitFor();
    await f.page.getByText('/v1/groups/{id}/preview').first().waitFor();
    expect(f.csp).toEqual([]);
    await f.expectAccessible('/docs');
    await f.page.getByText('/v1/groups/{id}/preview').first().click();
    await f.page.getByText('Reads every member of the group').waitFor();
    await f.expectAccessible('/docs with an operation open');
    expect(f.csp).toEqual([]);
  });
});
