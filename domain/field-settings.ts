import { DEFAULT_FIELD_SETTINGS, type FieldSetting } from './fields';
import { PROFILE_COLUMNS, type ProfileColumn, type ProfileValues } from './recipient';
import { canonicalJson, sha256Hex } from './canonical-json';
import { readGraphSource } from './graph-source';
import { profileValuesOf } from './recipient';

/** The part of a stored recipient that Field Settings read and write. */
export interface CurrentFields {
  values: ProfileValues;
  customFields: Record<string, string | null>;
  lockedFields: string[];
}

export interface FieldChange {
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface FieldPlan {
  /** The email the recipient ends up with; null means the member has none and must be skipped. */
  email: string | null;
  values: ProfileValues;
  customFields: Record<string, string | null>;
  /** Field by field, old → new; empty for a recipient that does not exist yet. */
  changes: FieldChange[];
}

/**
 * The settings a sync applies: the workspace's rows, or the defaults when it has none. Email is
 * always synced and always overwrites (it identifies the person to the workspace); only a lock stops it.
 */
export function effectiveFieldSettings(rows: FieldSetting[]): FieldSetting[] {
  // planRecipientFields asks once per member with the same array: answer it once.
  const known = effective.get(rows);
  if (known) return known;
  const result = computeEffective(rows);
  effective.set(rows, result);
  return result;
}

const effective = new WeakMap<FieldSetting[], FieldSetting[]>();

function computeEffective(rows: FieldSetting[]): FieldSetting[] {
  const base = rows.length ? rows : DEFAULT_FIELD_SETTINGS;
  const email = base.find((s) => s.field === 'email');
  const rest = base.filter((s) => s.field !== 'email');
  return [{ field: 'email', source: email?.source ?? 'mail', sync: true, overwrite: true }, ...rest];
}

/** Bump when planRecipientFields maps users differently, so every recipient is applied again once. */
const APPLY_LOGIC_VERSION = 'apply-v1';

/**
 * Identifies the mapping a recipient was applied under: the effective Field Settings and this
 * code's version. Together with the staged Graph user it makes `recipients.entra_source_hash`.
 */
export function fieldSettingsFingerprint(settings: FieldSetting[]): string {
  return sha256Hex(canonicalJson({ logic: APPLY_LOGIC_VERSION, settings: effectiveFieldSettings(settings) }));
}

/** What the workspace value becomes under one setting; `entra` is Entra's value (null = cleared). */
function nextValue(
  setting: FieldSetting,
  locked: boolean,
  current: string | null,
  entra: string | null,
): string | null {
  if (!setting.sync || locked) return current;
  if (setting.overwrite) return entra;
  // overwrite off: Entra fills an empty field, manual values survive (and are never cleared).
  return current === null ? entra : current;
}

const PROFILE_SET = new Set<string>(PROFILE_COLUMNS);
const EMPTY_PROFILE = Object.freeze(profileValuesOf({}));

function emptyProfile(): ProfileValues {
  return { ...EMPTY_PROFILE };
}

/**
 * Maps one Graph user onto a recipient by the Field Settings (pure). `current` is null for a new
 * recipient. Email comes from its source, else `userPrincipalName`; custom fields are `custom.<key>`.
 */
export function planRecipientFields(
  settings: FieldSetting[],
  user: Record<string, unknown>,
  current: CurrentFields | null,
): FieldPlan {
  const values = current ? { ...current.values } : emptyProfile();
  const customFields = current ? { ...current.customFields } : {};
  const locked = new Set(current?.lockedFields ?? []);
  const changes: FieldChange[] = [];
  let email: string | null = current?.values.email ?? null;

  for (const setting of effectiveFieldSettings(settings)) {
    const { field } = setting;
    if (field === 'photo') continue;
    if (field === 'email') {
      const entraEmail = readGraphSource(user, setting.source) ?? readGraphSource(user, 'userPrincipalName');
      email = locked.has('email') && current ? current.values.email : entraEmail;
      continue;
    }
    const entra = readGraphSource(user, setting.source);
    if (PROFILE_SET.has(field)) {
      const key = field as ProfileColumn;
      values[key] = nextValue(setting, locked.has(field), values[key], entra);
    } else if (field.startsWith('custom.')) {
      const key = field.slice('custom.'.length);
      const next = nextValue(setting, locked.has(field), customFields[key] ?? null, entra);
      if (next === null) delete customFields[key];
      else customFields[key] = next;
    }
  }
  if (email !== null) values.email = email;

  if (current) {
    for (const column of PROFILE_COLUMNS) {
      if (current.values[column] !== values[column])
        changes.push({ field: column, oldValue: current.values[column], newValue: values[column] });
    }
    const keys = new Set([...Object.keys(current.customFields), ...Object.keys(customFields)]);
    for (const key of [...keys].sort()) {
      const before = current.customFields[key] ?? null;
      const after = customFields[key] ?? null;
      if (before !== after) changes.push({ field: `custom.${key}`, oldValue: before, newValue: after });
    }
  }
  return { email, values, customFields, changes };
}

export type PhotoDecision = 'write' | 'clear' | 'keep';

/**
 * Whether a fetched Entra photo replaces the stored one. `fetched` null = Entra has no photo;
 * an equal hash never rewrites; overwrite off keeps an existing workspace photo.
 */
export function decidePhoto(
  settings: FieldSetting[],
  lockedFields: string[],
  currentHash: string | null,
  fetched: { hash: string } | null,
): PhotoDecision {
  const setting = settings.find((s) => s.field === 'photo');
  if (!setting?.sync || lockedFields.includes('photo')) return 'keep';
  if (fetched === null) return currentHash !== null && setting.overwrite ? 'clear' : 'keep';
  if (fetched.hash === currentHash) return 'keep';
  return currentHash === null || setting.overwrite ? 'write' : 'keep';
}

/**
 * Whose Entra photo a run checks, when photos sync: a group run checks the photo of every member it
 * applies, and applies every member of a full read (none is passed over as unchanged, since a
 * photo can change while nothing else does), so a changed photo arrives with the next full sync of
 * the group (at least every FULL_SYNC_INTERVAL_DAYS) or with any run that reads the member; a
 * recipient sync always checks; an import checks the people it creates.
 */
export function photosChecked(
  settings: FieldSetting[],
  run: 'group' | 'import' | 'recipient',
): 'new' | 'all' {
  return run === 'import' || !photoSyncs(settings) ? 'new' : 'all';
}

/** True when the settings pull the profile photo from Entra. */
export function photoSyncs(settings: FieldSetting[]): boolean {
  return settings.some((s) => s.field === 'photo' && s.sync);
}
