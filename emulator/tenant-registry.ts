import { randomBytes, randomUUID } from 'node:crypto';
import { generateDirectory } from './directory';
import type { GroupSpec, PhotoSizes, UserTraitRates } from './directory-types';
import { listMemberIds } from './membership';
import { ControlError } from './tenant-mutations';
import { DEFAULT_ROLES, createTenantState, type AppRegistration, type TenantState } from './tenant-state';

export interface CreateTenantInput {
  /** fixed ids and secret (demo presets); otherwise random */
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** the app's application permissions (the token's roles claim); default User.Read.All + GroupMember.Read.All */
  roles?: string[];
  /** directory seed: the same seed always generates the same users and groups (default 1) */
  seed?: number;
  /** how many users to generate (default 25) */
  users?: number;
  domain?: string;
  traits?: Partial<UserTraitRates>;
  /** generated photos' sizes in bytes (default: tiny images) */
  photoBytes?: PhotoSizes;
  groups?: GroupSpec[];
}

export interface GroupSummary {
  id: string;
  displayName: string | null;
  description: string | null;
  /** visible direct members of every kind */
  memberCount: number;
  /** visible direct members that are users (what /members/microsoft.graph.user lists) */
  userCount: number;
  /** visible users reached through nested groups too */
  transitiveUserCount: number;
}

export interface TenantInfo {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  roles: string[];
  domain: string;
  /** visible (not soft-deleted) users */
  userCount: number;
  groups: GroupSummary[];
}

/** All tenants of one emulator; tests isolate themselves by creating a fresh one. */
export interface TenantRegistry {
  create(input?: CreateTenantInput): TenantInfo;
  get(tenantId: string): TenantState | undefined;
  require(tenantId: string): TenantState;
  delete(tenantId: string): boolean;
  info(tenantId: string): TenantInfo;
  ids(): string[];
}

/** Generation is cheap, but every tenant lives in memory until deleted (~300 bytes per user). */
const MAX_USERS = 2_000_000;

function validPhotoSizes(sizes: PhotoSizes | undefined): PhotoSizes | undefined {
  if (sizes === undefined) return undefined;
  const { min, max } = sizes;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 200 || max < min || max > 65_000)
    throw new ControlError(400, 'photoBytes needs integers min ≤ max, from 200 to 65000');
  return { min, max };
}

export function newClientSecret(): string {
  return `emu~${randomBytes(24).toString('base64url')}`;
}

export function summarizeGroup(tenant: TenantState, groupId: string): GroupSummary {
  const group = tenant.directory.groups.get(groupId)!;
  return {
    id: group.id,
    displayName: (group.props.displayName as string | null) ?? null,
    description: (group.props.description as string | null) ?? null,
    memberCount: listMemberIds(tenant, groupId, false, false).length,
    userCount: listMemberIds(tenant, groupId, false, true).length,
    transitiveUserCount: listMemberIds(tenant, groupId, true, true).length,
  };
}

export function createTenantRegistry(): TenantRegistry {
  const tenants = new Map<string, TenantState>();

  const requireTenant = (tenantId: string): TenantState => {
    const tenant = tenants.get(tenantId);
    if (!tenant) throw new ControlError(404, `no emulated tenant ${tenantId}`);
    return tenant;
  };

  const info = (tenantId: string): TenantInfo => {
    const tenant = requireTenant(tenantId);
    const [app] = tenant.apps.values();
    let userCount = 0;
    for (const user of tenant.directory.users.values()) if (!user.deletedDateTime) userCount++;
    return {
      tenantId: tenant.id,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      roles: [...app.roles],
      domain: tenant.directory.domain,
      userCount,
      groups: [...tenant.directory.groups.keys()].map((id) => summarizeGroup(tenant, id)),
    };
  };

  return {
    create(input = {}) {
      const id = input.tenantId ?? randomUUID();
      if (tenants.has(id)) throw new ControlError(409, `tenant ${id} already exists`);
      const seed = input.seed ?? 1;
      const app: AppRegistration = {
        clientId: input.clientId ?? randomUUID(),
        clientSecret: input.clientSecret ?? newClientSecret(),
        roles: [...(input.roles ?? DEFAULT_ROLES)],
      };
      const users = input.users ?? 25;
      if (!Number.isInteger(users) || users < 0 || users > MAX_USERS) {
        throw new ControlError(400, `users must be an integer from 0 to ${MAX_USERS}`);
      }
      let directory;
      try {
        directory = generateDirectory({
          seed,
          users,
          domain: input.domain,
          traits: input.traits,
          photoBytes: validPhotoSizes(input.photoBytes),
          groups: input.groups,
        });
      } catch (err) {
        throw new ControlError(400, err instanceof Error ? err.message : String(err));
      }
      tenants.set(id, createTenantState({ id, seed, directory, apps: [app] }));
      return info(id);
    },
    get: (tenantId) => tenants.get(tenantId),
    require: requireTenant,
    delete: (tenantId) => tenants.delete(tenantId),
    info,
    ids: () => [...tenants.keys()],
  };
}
