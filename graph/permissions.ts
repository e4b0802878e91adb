/** The application permissions this product needs in Microsoft Graph. */
export const USER_READ_ALL = 'User.Read.All';
export const GROUP_MEMBER_READ_ALL = 'GroupMember.Read.All';
export const REQUIRED_PERMISSIONS = [USER_READ_ALL, GROUP_MEMBER_READ_ALL] as const;

/** Broader permissions that include each required one (an admin may have granted those instead). */
const SATISFIED_BY: Record<string, string[]> = {
  [USER_READ_ALL]: [USER_READ_ALL, 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  [GROUP_MEMBER_READ_ALL]: [
    GROUP_MEMBER_READ_ALL,
    'GroupMember.ReadWrite.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
};

export function hasPermission(roles: readonly string[], permission: string): boolean {
  return (SATISFIED_BY[permission] ?? [permission]).some((role) => roles.includes(role));
}

/** The required permissions a token's roles claim does not cover, in REQUIRED_PERMISSIONS order. */
export function missingPermissions(roles: readonly string[]): string[] {
  return REQUIRED_PERMISSIONS.filter((permission) => !hasPermission(roles, permission));
}

/** The `roles` claim of an app-only access token (a JWT); null when the token is not readable. */
export function rolesOfToken(accessToken: string): string[] | null {
  const payload = accessToken.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.map(String) : [];
  } catch {
    return null;
  }
}
