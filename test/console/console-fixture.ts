import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { CONSOLE_BUILD_DIR } from '../../dev/console-build';
import { createEmulatorControl, type EmulatedTenant } from '../../emulator/control-client';
import { launchChromium } from '../helpers/browser';
import { as, startScheduleTest, type ScheduleTestStack } from '../schedules/support';
import { seriousViolations, watchCspViolations } from './browser-page';

const CLEAN = { guest: 0, disabled: 0, softDeleted: 0, noMail: 0, photo: 0 };

export interface ConsoleFixture {
  stack: ScheduleTestStack;
  page: Page;
  origin: string;
  ws: { id: string; apiKey: string };
  /** Ten plain users; the group "Console Crew" holds the first six. */
  tenant: EmulatedTenant;
  control: ReturnType<ReturnType<typeof createEmulatorControl>['tenant']>;
  /** What the browser reported blocked by the content security policy. */
  csp: string[];
  api(): ReturnType<typeof as>;
  go(hash: string): Promise<void>;
  button(name: string): Locator;
  expectAccessible(where: string): Promise<void>;
  signIn(): Promise<void>;
}

/**
 * One browser page per test file on the real stack: the API (console served from the build the
 * test setup made) listening on a port, a worker, a workspace and an emulated tenant of its own.
 */
export function useConsoleFixture(seed: number): ConsoleFixture {
  let browser: Browser;
  let server: Server;
  const f = {
    api: () => as(f.stack.app, f.ws.apiKey),
    go: async (hash: string) => {
      await f.page.goto(`${f.origin}/console/${hash}`);
    },
    button: (name: string) => f.page.getByRole('button', { name, exact: true }),
    expectAccessible: async (where: string) => {
      expect(await seriousViolations(f.page), `axe on ${where}`).toEqual([]);
    },
    signIn: async () => {
      await f.go('');
      await f.page.getByLabel('API key').fill(f.ws.apiKey);
      await f.button('Sign in').click();
      await f.page.getByRole('navigation', { name: 'Sections' }).waitFor();
    },
  } as ConsoleFixture;

  beforeAll(async () => {
    f.stack = await startScheduleTest({ worker: true, app: { consoleDir: CONSOLE_BUILD_DIR } });
    server = f.stack.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    f.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    f.ws = await f.stack.createWorkspace();
    const emulator = createEmulatorControl(inject('emulatorUrl'));
    f.tenant = await emulator.createTenant({
      users: 10,
      seed,
      traits: CLEAN,
      groups: [{ displayName: 'Console Crew', users: 6, userOffset: 0 }],
    });
    f.control = emulator.tenant(f.tenant.tenantId);
    browser = await launchChromium();
    f.page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    f.page.setDefaultTimeout(20_000);
    f.csp = watchCspViolations(f.page);
    f.page.on('pageerror', (err) => console.error('console page error:', err));
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await f.stack?.close();
  });
  return f;
}
