import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { load as parseYaml, YAML11_SCHEMA } from 'js-yaml';
import { SEARCH_ATTRIBUTE_KEYS } from '../contracts/search-attributes';
import { ENTRY_POINTS } from '../dev/build';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../worker/node-flags';

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  command?: string[] | string;
  entrypoint?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// YAML 1.1, as Compose reads it: `<<:` merges the shared app and Temporal settings.
const compose = parseYaml(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), {
  schema: YAML11_SCHEMA,
}) as {
  services: Record<string, Service>;
};
const services = compose.services;
const script = (s: Service) => [s.entrypoint ?? [], s.command ?? []].flat().join('\n');

/** `[ip:]host:container` → its parts; no ip means every interface. */
function published(port: string): { ip: string | null; host: string; container: string } {
  const parts = port.split(':');
  return parts.length === 3
    ? { ip: parts[0]!, host: parts[1]!, container: parts[2]! }
    : { ip: null, host: parts[0]!, container: parts.at(-1)! };
}

/** Every environment variable the config module reads (`env.X` and `env, 'X'`). */
function variablesReadByConfig(): string[] {
  const dir = path.join(root, 'config');
  const source = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  return [...source.matchAll(/env\.([A-Z_]+)|env, '([A-Z_]+)'/g)].map((m) => (m[1] ?? m[2])!);
}

describe('docker-compose.yml', () => {
  it('when parsed, then it names the production-like services and the two Temporal setup jobs', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'temporal-schema',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'api',
        'worker',
      ]),
    );
  });

  it('when Temporal runs, then it is the plain server image on Postgres, started after its schema job', () => {
    expect(JSON.stringify(compose)).not.toContain('auto-setup');
    const temporal = services.temporal!;
    expect(temporal.image).toMatch(/^temporalio\/server:\d/);
    expect(temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    expect(temporal.depends_on?.['temporal-schema']).toEqual({ condition: 'service_completed_successfully' });
  });

  it('when the schema job runs, then temporal-sql-tool sets up and updates both the default and the visibility store', () => {
    const job = script(services['temporal-schema']!);
    const env = services.temporal!.environment!;
    for (const [db, dir] of [
      [env.DBNAME, 'temporal'],
      [env.VISIBILITY_DBNAME, 'visibility'],
    ]) {
      expect(job).toContain(`--db ${db} create`);
      expect(job).toContain(`--db ${db} setup-schema -v 0.0`);
      expect(job).toMatch(new RegExp(`--db ${db} update-schema -d \\S+/postgresql/v12/${dir}/versioned`));
    }
    expect(job).toContain('temporal-sql-tool --plugin postgres12');
  });

  it('when the setup job runs, then it creates the namespace the app uses and every search attribute the code sets', () => {
    const job = script(services['temporal-setup']!);
    const namespace = services.api!.environment!.TEMPORAL_NAMESPACE;
    expect(job).toContain(`temporal operator namespace create -n ${namespace}`);
    const [, names] = /for name in ([^;]+);/.exec(job) ?? [];
    expect(names?.trim().split(/\s+/).sort()).toEqual(SEARCH_ATTRIBUTE_KEYS.map((k) => k.name).sort());
    expect(SEARCH_ATTRIBUTE_KEYS.every((k) => k.type === 'KEYWORD')).toBe(true);
    expect(job).toContain(`search-attribute create --namespace ${namespace} --name "$$name" --type Keyword`);
    for (const app of ['api', 'worker']) {
      expect(services[app]!.depends_on?.['temporal-setup']).toEqual({
        condition: 'service_completed_successfully',
      });
    }
  });

  it('when ports are published, then only the api listens beyond this machine: Temporal and its UI bind 127.0.0.1', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        const p = published(port);
        if (name === 'api') expect(p.container).toBe('3000');
        else expect(p.ip, `${name} publishes ${port}`).toBe('127.0.0.1');
      }
    }
    expect(services.temporal!.ports).toEqual(['127.0.0.1:7233:7233']);
  });

  it('when the api runs, then compose checks its health on /readyz with the node binary the image has', () => {
    const test = services.api!.healthcheck?.test ?? [];
    expect(test[0]).toBe('CMD');
    expect(test.slice(1, 3)).toEqual(['node', '-e']);
    expect(test.join(' ')).toContain('http://127.0.0.1:3000/readyz');
  });

  it('when the worker runs, then there are two replicas on the one task queue', () => {
    expect(services.worker!.deploy?.replicas).toBe(2);
    expect(services.worker!.environment?.TASK_QUEUE).toBe(services.api!.environment?.TASK_QUEUE);
  });

  it('when the api and worker start, then they get every variable of DESIGN.md §5 the code reads', () => {
    const read = variablesReadByConfig();
    for (const name of ['api', 'worker']) {
      const env = services[name]!.environment ?? {};
      for (const variable of [
        'DATABASE_URL',
        'TEMPORAL_ADDRESS',
        'TEMPORAL_NAMESPACE',
        'TASK_QUEUE',
        'PORT',
        'ADMIN_TOKEN',
        'ENCRYPTION_KEY',
        'TEMPORAL_UI_URL',
        'RATE_LIMIT_PER_SECOND',
        'RATE_LIMIT_BURST',
        'NODE_EXTRA_CA_CERTS',
      ]) {
        expect(env, `${name} lacks ${variable}`).toHaveProperty(variable);
        if (variable !== 'NODE_EXTRA_CA_CERTS') expect(read).toContain(variable);
      }
    }
  });

  it('when the services run the code, then they run the compiled entry points with plain node', () => {
    for (const name of ['api', 'worker']) {
      const command = services[name]!.command as string[];
      expect(command[0]).toBe('node');
      expect(command).not.toContain('tsx');
      const entry = command.at(-1)!;
      expect(entry).toMatch(/^dist\/.+\.js$/);
      expect(ENTRY_POINTS).toContain(entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
    }
  });

  it('when the worker is started by compose or npm run worker, then it gets the worker Node flags and environment', () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    for (const flag of WORKER_NODE_FLAGS) {
      expect(services.worker!.command).toContain(flag);
      expect(scripts.worker!.split(' ')).toContain(flag);
    }
    for (const [name, value] of Object.entries(WORKER_ENV)) {
      expect(services.worker!.environment).toMatchObject({ [name]: value });
      expect(scripts.worker!.split(' ')).toContain(`${name}=${value}`);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;

  it('when built, then a build stage compiles with every package and the runtime stage ships only dist/ and production packages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((s) => s.includes('npm run build'));
    expect(build).toBeDefined();
    const depsStage = stages.find((s) => /npm ci --omit=dev/.test(s));
    expect(depsStage).toBeDefined();
    const depsName = /^\S+ AS (\S+)/.exec(depsStage!)?.[1];
    const buildName = /^\S+ AS (\S+)/.exec(build!)?.[1];
    expect(runtime).toContain(`COPY --from=${depsName} `);
    expect(runtime).toMatch(new RegExp(`COPY --from=${buildName} \\S* ?/app/dist `));
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).not.toMatch(/^COPY \. /m);
  });

  it('when the container runs, then it runs the compiled api with node as the non-root node user', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    expect(runtime).toContain('CMD ["node", "dist/api/main.js"]');
  });
});
