import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const depcruise = path.join(projectDir, 'node_modules', '.bin', 'depcruise');
const dirs: string[] = [];

/** A throwaway tree with the project's layer rules, to show what `npm run lint:layers` refuses. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'layers-'));
  dirs.push(dir);
  await copyFile(path.join(projectDir, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

async function cruise(dir: string, folders: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(depcruise, ['--config', '.dependency-cruiser.cjs', ...folders], {
      cwd: dir,
    });
    return { ok: true, output: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('layer rules', () => {
  it('when imports follow the layers, then the check passes', async () => {
    const dir = await tree({
      'contracts/ids.ts': 'export type Id = string;\n',
      'domain/rule.ts':
        "import type { Id } from '../contracts/ids';\nexport const same = (a: Id, b: Id) => a === b;\n",
      'db/rows.ts': "import { same } from '../domain/rule';\nexport const check = same;\n",
    });
    const result = await cruise(dir, ['contracts', 'domain', 'db']);
    expect(result.output).toContain('no dependency violations');
    expect(result.ok).toBe(true);
  });

  it('when domain imports a database type, then the check names the rule', async () => {
    const dir = await tree({
      'db/database.ts': 'export type Db = { query(): void };\n',
      'domain/rule.ts': "import type { Db } from '../db/database';\nexport type UsesDb = Db;\n",
    });
    const result = await cruise(dir, ['domain', 'db']);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('domain-imports-only-below: domain/rule.ts → db/database.ts');
  });

  it('when two modules import each other through types only, then the check reports the cycle', async () => {
    const dir = await tree({
      'contracts/a.ts': "import type { B } from './b';\nexport type A = { b: B };\n",
      'contracts/b.ts': "import type { A } from './a';\nexport type B = { a?: A };\n",
    });
    const result = await cruise(dir, ['contracts']);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('no-circular');
  });

  it('when an activity imports another activity, then the check refuses it', async () => {
    const dir = await tree({
      'activities/group-sync/fetch.ts': 'export const listing = () => 1;\n',
      'activities/group-sync/plan.ts':
        "import { listing } from './fetch';\nexport const plan = () => listing();\n",
    });
    const result = await cruise(dir, ['activities']);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('no-activity-imports-another');
  });
});
