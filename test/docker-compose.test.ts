import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { load as parseYaml } from 'js-yaml';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../worker/node-flags';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compose = parseYaml(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { environment?: Record<string, string>; command?: string[]; build?: string }>;
};

describe('docker-compose.yml', () => {
  it('when parsed, then it names the production-like services', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'api', 'worker']),
    );
  });

  it('when the api and worker start, then they get every variable of DESIGN.md §5 the code reads', () => {
    const configSource = readFileSync(path.join(root, 'config', 'config.ts'), 'utf8');
    const read = [...configSource.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1]);
    for (const name of ['api', 'worker']) {
      const env = compose.services[name].environment ?? {};
      for (const variable of [
        'DATABASE_URL',
        'TEMPORAL_ADDRESS',
        'TEMPORAL_NAMESPACE',
        'TASK_QUEUE',
        'PORT',
        'ADMIN_TOKEN',
        'ENCRYPTION_KEY',
        'TEMPORAL_UI_URL',
        'NODE_EXTRA_CA_CERTS',
      ]) {
        expect(env, `${name} lacks ${variable}`).toHaveProperty(variable);
        if (variable !== 'NODE_EXTRA_CA_CERTS') expect(read).toContain(variable);
      }
    }
  });

  it('when the services run the code, then their entry points exist in the repository', () => {
    for (const name of ['api', 'worker']) {
      const entry = compose.services[name].command?.at(-1);
      expect(entry).toBeDefined();
      expect(() => readFileSync(path.join(root, entry!))).not.toThrow();
    }
  });

  it('when the worker is started by compose or npm run worker, then it gets the worker Node flags and environment', () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    for (const flag of WORKER_NODE_FLAGS) {
      expect(compose.services.worker.command).toContain(flag);
      expect(scripts.worker!.split(' ')).toContain(flag);
    }
    for (const [name, value] of Object.entries(WORKER_ENV)) {
      expect(compose.services.worker.environment).toMatchObject({ [name]: value });
      expect(scripts.worker!.split(' ')).toContain(`${name}=${value}`);
    }
  });
});
