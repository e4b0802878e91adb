import { EntraError } from './errors';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** Properties every member read selects: identity, status and the email fallback (mail, else UPN). */
export const ALWAYS_SELECTED = ['id', 'accountEnabled', 'userType', 'mail', 'userPrincipalName'];

/**
 * The $select list for user reads: the always-needed properties plus the top-level Graph property of
 * each mapped field ("businessPhones[0]" → businessPhones, "onPremisesExtensionAttributes.x" → its object).
 */
export function userSelect(fields: readonly string[]): string {
  const names = new Set(ALWAYS_SELECTED);
  for (const field of fields) {
    const top = field.split(/[.[]/)[0].trim();
    if (!top) continue;
    if (!PROPERTY_NAME.test(top))
      throw new EntraError('bad_request', `"${field}" is not a Graph user property path.`);
    names.add(top);
  }
  return [...names].join(',');
}

/** Group ids are object ids (GUIDs); anything else can't be a group, so fail before asking Graph. */
export function requireGroupId(groupId: string, tenantId: string): void {
  if (!GUID.test(groupId)) {
    throw new EntraError(
      'group_not_found',
      `"${groupId}" is not an Entra group object id (a GUID) in tenant ${tenantId}: copy the group's Object ID from Entra ID → Groups.`,
    );
  }
}

/** A term inside a `"property:term"` $search clause: quotes and backslashes escaped. */
export function searchTerm(term: string): string {
  return term.replace(/[\\"]/g, (c) => `\\${c}`);
}

/** `"p1:term" OR "p2:term"`, URL-encoded for the query string. */
export function searchExpression(properties: readonly string[], term: string): string {
  return encodeURIComponent(properties.map((p) => `"${p}:${searchTerm(term)}"`).join(' OR '));
}

export function topParam(top: number | undefined, fallback: number): number {
  const value = top ?? fallback;
  return Math.min(Math.max(Math.floor(value), 1), 999);
}
