import type { Migration } from 'kysely';
import * as initial from './2026_11_27_0001_initial';
import * as oneActiveGroupRun from './2026_11_27_0003_one_active_run';

/** Listed by hand so migrations load the same under tsx, vitest and bundlers. Append only. */
export const migrations: Record<string, Migration> = {
  '2026_11_27_0001_initial': initial,
  '2026_11_27_0003_one_active_run': oneActiveGroupRun,
};
