import type { Migration } from 'kysely';
import * as initial from './2026_11_27_0001_initial';
import * as oneActiveGroupRun from './2026_11_27_0003_one_active_run';
import * as workerCounters from './2026_11_27_0004_worker_counters';
import * as deltaSyncState from './2026_11_28_0005_delta_sync_state';
import * as skipUnchanged from './2026_11_28_0006_skip_unchanged';
import * as leanBulkTables from './2026_11_28_0007_lean_bulk_tables';
import * as stagedToApply from './2026_11_28_0008_staged_to_apply';
import * as cascadeByStatement from './2026_11_28_0009_cascade_by_statement';
import * as updateInPlace from './2026_11_28_0010_update_in_place';
import * as workspaceEdits from './2026_12_04_0011_workspace_edits';
import * as adminControlledKeys from './2026_12_04_0012_admin_controlled_keys';
import * as workspaceCards from './2026_12_04_1001_workspace_cards';
import * as runHolds from './2026_12_04_1101_run_holds';
import * as previewRuns from './2026_12_04_1201_preview_runs';
import * as events from './2026_12_04_2001_events';
import * as webhooks from './2026_12_04_2101_webhooks';
import * as photoBlobs from './2026_12_04_2201_photo_blobs';

/** Listed by hand so migrations load the same under tsx, vitest and bundlers. Append only. */
export const migrations: Record<string, Migration> = {
  '2026_11_27_0001_initial': initial,
  '2026_11_27_0003_one_active_run': oneActiveGroupRun,
  '2026_11_27_0004_worker_counters': workerCounters,
  '2026_11_28_0005_delta_sync_state': deltaSyncState,
  '2026_11_28_0006_skip_unchanged': skipUnchanged,
  '2026_11_28_0007_lean_bulk_tables': leanBulkTables,
  '2026_11_28_0008_staged_to_apply': stagedToApply,
  '2026_11_28_0009_cascade_by_statement': cascadeByStatement,
  '2026_11_28_0010_update_in_place': updateInPlace,
  '2026_12_04_0011_workspace_edits': workspaceEdits,
  '2026_12_04_0012_admin_controlled_keys': adminControlledKeys,
  '2026_12_04_1001_workspace_cards': workspaceCards,
  '2026_12_04_1101_run_holds': runHolds,
  '2026_12_04_1201_preview_runs': previewRuns,
  '2026_12_04_2001_events': events,
  '2026_12_04_2101_webhooks': webhooks,
  '2026_12_04_2201_photo_blobs': photoBlobs,
};
