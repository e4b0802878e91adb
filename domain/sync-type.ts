import type { CardTemplate } from './card';
import type { SyncOptions } from './sync-options';
import { canonicalJson, sha256Hex } from './canonical-json';
import type { FieldSetting } from './fields';

export type SyncType = 'full' | 'delta';

/**
 * Why a group run is full or delta (kept in `sync_runs.checkpoint.syncPlan.reason`):
 * - `requested`: the starter asked for a full read (`{full: true}`);
 * - `nested_groups`: groups/delta of the parent does not show transitive membership changes;
 * - `no_delta_links`: no full sync has left delta links yet;
 * - `settings_changed`: sync options, Field Settings or the card template changed since the links
 *   were made, so every member must be read and re-applied;
 * - `full_sync_due`: the last full sync is older than the interval (a delta round can miss what a
 *   full read sees, e.g. edits made in the workspace);
 * - `delta_token_expired`: Graph no longer knew the stored links; the run read everything instead;
 * - `changes_since_last_sync`: a delta run.
 */
export type SyncTypeReason =
  | 'requested'
  | 'nested_groups'
  | 'no_delta_links'
  | 'settings_changed'
  | 'full_sync_due'
  | 'delta_token_expired'
  | 'changes_since_last_sync';

/** A full sync at least this often by default, whatever delta links a group has. */
export const DEFAULT_FULL_SYNC_INTERVAL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The settings a delta sync relies on being unchanged since its links were made: everything that
 * decides what a member becomes (all sync options but the deletion threshold, the Field Settings,
 * the card template). Hashed, so the group row stores a short value.
 */
export function deltaLinksBasis(
  options: SyncOptions,
  settings: FieldSetting[],
  template: CardTemplate,
): string {
  const { deletionThreshold: _threshold, ...rest } = options;
  const sortedSettings = [...settings].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return sha256Hex(canonicalJson({ v: 1, options: rest, settings: sortedSettings, template }));
}

export interface SyncTypeInput {
  forceFull: boolean;
  options: Pick<SyncOptions, 'includeNestedGroups'>;
  links: { members: string | null; users: string | null; basis: string | null };
  /** The basis of the group's settings now (deltaLinksBasis). */
  basis: string;
  lastFullSyncAt: Date | null;
  now: Date;
  fullSyncIntervalMs: number;
}

/** Full or delta, and why. Pure: the activity reads the group and the clock. */
export function decideSyncType(input: SyncTypeInput): { syncType: SyncType; reason: SyncTypeReason } {
  const full = (reason: SyncTypeReason) => ({ syncType: 'full' as const, reason });
  if (input.forceFull) return full('requested');
  if (input.options.includeNestedGroups) return full('nested_groups');
  if (!input.links.members || !input.links.users) return full('no_delta_links');
  if (input.links.basis !== input.basis) return full('settings_changed');
  if (
    !input.lastFullSyncAt ||
    input.now.getTime() - input.lastFullSyncAt.getTime() >= input.fullSyncIntervalMs
  )
    return full('full_sync_due');
  return { syncType: 'delta', reason: 'changes_since_last_sync' };
}
