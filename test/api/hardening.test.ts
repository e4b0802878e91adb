import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ENCRYPTION_KEY, expectProblem, startApiTest, type ApiTestContext } from './support';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('production hardening of the api (issue 20, item 4)', () => {
  let t: ApiTestContext;
  beforeAll(async () => {
    t = await startApiTest({
      config: {
        taskQueue: 'hardening-test',
        temporalNamespace: 'default',
        temporalUiUrl: 'http://temporal-ui.test',
        adminToken: ADMIN_TOKEN,
        encryptionKey: ENCRYPTION_KEY,
        metricsToken: 'the-metrics-token',
      },
    });
  });
  afterAll(() => t.close());

  it('when METRICS_TOKEN is set, then /metrics answers 401 without it or with another token, and 200 with it', async () => {
    const none = await request(t.app).get('/metrics');
    expectProblem(none, 401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expectProblem(await request(t.app).get('/metrics').set('Authorization', `Bearer ${ADMIN_TOKEN}`), 401);
    const ok = await request(t.app).get('/metrics').set('Authorization', 'Bearer the-metrics-token');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# HELP');
  });

  it('when a JSON body nests deeper than 64 levels, then 400 problem+json says so, not 500', async () => {
    for (const body of [nested(65), nested(100_000), `{"a":${nested(70)}}`]) {
      const res = await request(t.app)
        .post('/v1/workspaces')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .set('Content-Type', 'application/json')
        .send(body);
      expectProblem(res, 400);
      expect(res.body.detail).toMatch(/nests deeper than 64 levels/);
    }
  });

  it('when brackets are inside strings or the depth is 64, then the depth rule does not apply (validation answers)', async () => {
    for (const body of [nested(64), JSON.stringify({ name: '['.repeat(500) })]) {
      const res = await request(t.app)
        .post('/v1/workspaces')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.body.detail ?? '').not.toMatch(/nests deeper/);
      expect(res.status).toBeLessThan(500);
    }
  });
});

describe('entry points refuse development defaults in production', () => {
  for (const entry of ['api/main.ts', 'worker/main.ts']) {
    it(`when ${entry} starts with NODE_ENV=production and the development admin token, then it exits with one clear line`, () => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'production',
        ADMIN_TOKEN: 'dev-admin-token',
      };
      delete env.ENCRYPTION_KEY;
      delete env.ENCRYPTION_KEYS;
      const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectDir, entry)], {
        env,
        cwd: projectDir,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(child.status).not.toBe(0);
      const lines = child.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /refus\w+ to start.*NODE_ENV=production: ADMIN_TOKEN is unset or the development token and ENCRYPTION_KEYS is unset or holds the development key/,
      );
    });
  }
});
