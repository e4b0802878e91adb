import type { FieldSetting } from './fields';

/** A Graph user as returned with `$select`; `id` is the immutable object id. */
export interface GraphUserLike {
  id: string;
  [prop: string]: unknown;
}

interface ParsedSource {
  property: string;
  index: number | null;
  child: string | null;
}

const SOURCE = /^([A-Za-z][A-Za-z0-9]*)(?:\[(\d+)\])?(?:\.([A-Za-z][A-Za-z0-9]*))?$/;

/** Splits `businessPhones[0]` or `onPremisesExtensionAttributes.extensionAttribute3` into its parts. */
export function parseGraphSource(source: string): ParsedSource {
  const m = SOURCE.exec(source);
  if (!m)
    throw new Error(`"${source}" is not a Graph user property path such as jobTitle or businessPhones[0]`);
  return { property: m[1]!, index: m[2] === undefined ? null : Number(m[2]), child: m[3] ?? null };
}

/**
 * Normalises a Graph value to what a recipient field holds: trimmed text, empty as null.
 * Collections without an index are joined ("a, b"); objects have no text form and read as null.
 */
export function toFieldValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(toFieldValue).filter((v): v is string => v !== null);
    return parts.length ? parts.join(', ') : null;
  }
  return null;
}

/** A workspace has a handful of sources; a first sync reads each for every member. */
const parsedSources = new Map<string, ParsedSource>();

function parsedSource(source: string): ParsedSource {
  let parsed = parsedSources.get(source);
  if (!parsed) {
    parsed = parseGraphSource(source);
    if (parsedSources.size < 1000) parsedSources.set(source, parsed);
  }
  return parsed;
}

/** Reads a source path from a Graph user; a missing property reads as null. */
export function readGraphSource(user: Record<string, unknown>, source: string): string | null {
  const { property, index, child } = parsedSource(source);
  let value: unknown = user[property];
  if (index !== null) value = Array.isArray(value) ? value[index] : undefined;
  if (child !== null)
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[child] : undefined;
  return toFieldValue(value);
}

/** Properties every sync reads, whatever the Field Settings say. */
export const BASE_USER_SELECT = ['id', 'accountEnabled', 'userType', 'mail', 'userPrincipalName'] as const;

/** The `$select` for the given settings: the base properties plus each synced source's top-level property. */
export function graphSelectFor(settings: FieldSetting[]): string[] {
  const select = new Set<string>(BASE_USER_SELECT);
  for (const s of settings) {
    if (s.field === 'photo' || (!s.sync && s.field !== 'email')) continue;
    select.add(parseGraphSource(s.source).property);
  }
  return [...select];
}
