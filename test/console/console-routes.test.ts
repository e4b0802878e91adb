import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startApiTest, type ApiTestContext } from '../api/support';

/** How the api serves a console build: redirects, caching, missing files, a missing build. */
describe('console routes', () => {
  let dir: string;
  let built: ApiTestContext;
  let unbuilt: ApiTestContext;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'console-build-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(path.join(dir, 'docs.html'), '<!doctype html><title>docs</title>');
    await writeFile(path.join(dir, 'assets', 'console-abc123.js'), 'console.log(1)');
    built = await startApiTest({ consoleDir: dir });
    unbuilt = await startApiTest({ consoleDir: path.join(dir, 'missing') });
  });
  afterAll(async () => {
    await built?.close();
    await unbuilt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('when /console is asked for, then it redirects to /console/, which is the page, revalidated each time', async () => {
    const redirect = await request(built.app).get('/console');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/console/');
    const page = await request(built.app).get('/console/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>console</title>');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['strict-transport-security']).toBeUndefined();
    const docs = await request(built.app).get('/docs');
    expect(docs.text).toContain('<title>docs</title>');
  });

  it('when a hashed asset is asked for, then it is cached for good under the same CSP; an unknown one is a problem+json 404', async () => {
    const asset = await request(built.app).get('/console/assets/console-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.headers['content-security-policy']).toContain("script-src 'self'");
    expectProblem(await request(built.app).get('/console/assets/nothing.js'), 404);
    expectProblem(await request(built.app).get('/console/index.html/..%2f..%2fpackage.json'), 404);
  });

  it('when the console was never built, then /console/ and /docs answer 503 saying how to build it', async () => {
    for (const p of ['/console/', '/docs']) {
      const res = await request(unbuilt.app).get(p);
      expectProblem(res, 503);
      expect(res.body.detail).toContain('npm run build:console');
    }
  });

  it('when no console folder is given, then /console is not served', async () => {
    const plain = await startApiTest();
    try {
      expectProblem(await request(plain.app).get('/console/'), 404);
    } finally {
      await plain.close();
    }
  });
});
