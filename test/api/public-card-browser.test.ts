import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQR from 'jsqr';
import pino from 'pino';
import { emulatorOutboundPolicy } from '../helpers/outbound';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { generateApiKey } from '../../api/http/api-keys';
import { insertApiKey } from '../../db/repositories/api-keys';
import { launchChromium } from '../helpers/browser';
import { CLEAN, useSyncStack } from '../sync/helpers/sync-stack';
import { createWorkspace, linkGroup, syncGroup } from '../sync/helpers/sync-fixture';
import { noEntra } from './support';

/**
 * The public card page in headless Chromium against the real stack: a group synced from the
 * emulator, the API listening on a port (publicUrl from its own origin), the worker applying.
 */
describe('public card page in a browser', () => {
  const stack = useSyncStack();
  let browser: Browser;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    browser = await launchChromium();
    const app = createApp({
      db: stack.db,
      temporal: stack.temporal.client,
      config: {
        taskQueue: stack.worker.taskQueue,
        temporalNamespace: 'default',
        temporalUiUrl: 'http://temporal-ui.test',
        adminToken: 'browser-test-admin',
        encryptionKey: stack.key,
      },
      entraClientFor: noEntra,
      outboundPolicy: emulatorOutboundPolicy(),
      logger: pino({ level: 'silent' }),
      rateLimit: { capacity: 10_000, refillPerSecond: 10_000 },
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  async function syncedCard() {
    const ws = await createWorkspace(stack.db, stack.key, {
      seed: 21,
      users: 3,
      traits: CLEAN,
      groups: [{ displayName: 'Field team', users: 'all' }],
    });
    const groupId = await linkGroup(stack.db, ws.id, ws.tenant.groups[0]!.id);
    const sync = () => syncGroup(stack.db, stack.temporal.client, stack.worker.taskQueue, ws.id, groupId);
    expect((await sync()).status).toBe('completed');
    const key = generateApiKey();
    await insertApiKey(stack.db, ws.id, key.hash, key.prefix);
    const get = async (path: string) => {
      const res = await fetch(`${origin}${path}`, { headers: { Authorization: `Bearer ${key.key}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as any;
    };
    const [user] = await ws.control.listUsers({ limit: 1 });
    const { props } = await ws.control.getUser(user!.id);
    const recipient = await stack.db
      .selectFrom('recipients')
      .select('id')
      .where('workspaceId', '=', ws.id)
      .where('entraUserId', '=', user!.id)
      .executeTakeFirstOrThrow();
    const card = (await get(`/v1/recipients/${recipient.id}/cards`)).items[0];
    return { ws, user: user!, props, card, sync, get };
  }

  it('when a synced card is opened, then the page shows its values, follows a job title change after the next sync, saves a vCard 4.0 and shows a QR code of its address', async () => {
    const { ws, user, props, card, sync, get } = await syncedCard();
    expect(card.publicUrl).toMatch(new RegExp(`^${origin}/c/[A-Za-z0-9_-]{43}$`));
    const context = await browser.newContext({ acceptDownloads: true, javaScriptEnabled: false });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    const res = await page.goto(card.publicUrl);
    expect(res!.status()).toBe(200);
    expect(await res!.headerValue('content-security-policy')).toContain("default-src 'none'");
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // The inline stylesheet is allowed by its hash: the button is styled, and nothing was blocked.
    // (Read from the pixels: the page runs no script, so there is no getComputedStyle to ask.)
    const button = PNG.sync.read(await page.locator('a.save').screenshot());
    const at = 4 * (Math.floor(button.height / 2) * button.width + 6);
    const corner = [...button.data.subarray(at, at + 3)];
    expect(corner).toEqual([11, 87, 208]);
    expect(blocked).toEqual([]);
    await expect.poll(() => page.locator('h1').textContent()).toBe(props.displayName);
    const valueOf = (label: string) => page.locator(`dt:text-is("${label}") + dd`).textContent();
    expect(await valueOf('Job title')).toBe(props.jobTitle);
    expect(await valueOf('Email')).toBe(props.mail);
    expect(await page.locator('dd a[href^="mailto:"]').getAttribute('href')).toBe(`mailto:${props.mail}`);

    // The title changes in Entra; the group syncs; the page follows.
    await ws.control.updateUser(user.id, { jobTitle: 'Chief Cartographer' });
    expect((await sync()).status).toBe('completed');
    await page.reload();
    expect(await valueOf('Job title')).toBe('Chief Cartographer');

    // "Save contact" downloads the card as vCard 4.0.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByText('Save contact').click(),
    ]);
    const vcard = await readFile((await download.path())!, 'utf8');
    expect(vcard.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\n')).toBe(true);
    expect(vcard).toContain('TITLE:Chief Cartographer');

    // The QR code, as Chromium draws it, decodes to the page's address.
    const qrUrl = await page.locator('figure img').getAttribute('src');
    expect(qrUrl).toBe(`${card.publicUrl}/qr.svg`);
    const qrPage = await context.newPage();
    await qrPage.setViewportSize({ width: 400, height: 400 });
    await qrPage.goto(qrUrl!);
    const png = PNG.sync.read(await qrPage.screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(card.publicUrl);

    // The card's events: created, then updated with the card as the API returns it.
    const events = (await get(`/v1/events?type=card.*&limit=200`)).items.filter(
      (e: { data: { id: string } }) => e.data.id === card.id,
    );
    expect(events.map((e: { type: string }) => e.type)).toEqual(['card.created', 'card.updated']);
    expect(events[1].data).toEqual(await get(`/v1/cards/${card.id}`));
    const runs = (await get('/v1/events?type=sync_run.*')).items.map((e: { type: string }) => e.type);
    expect(runs).toEqual(['sync_run.completed', 'sync_run.completed']);
    const recipients = (await get('/v1/events?type=recipient.*')).items.map((e: { type: string }) => e.type);
    expect(recipients).toEqual([
      'recipient.created',
      'recipient.created',
      'recipient.created',
      'recipient.updated',
    ]);
    await context.close();
  });

  it('when the member is disabled in Entra and the group syncs, then the page answers 410 with a page saying so', async () => {
    const { ws, user, card, sync } = await syncedCard();
    await ws.control.disableUser(user.id);
    expect((await sync()).status).toBe('completed');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const res = await page.goto(card.publicUrl);
    expect(res!.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('This card is no longer available');
    await context.close();
  });
});
