import { createGroupRecord } from './directory';
import { kindOf, type GraphProps, type GroupRecord } from './directory-types';
import { UserRecord } from './user-record';
import type { Photo } from './photos';
import { mailSlug } from './sample-values';
import type { TenantState } from './tenant-state';
import { USER_PROPERTIES } from './user-properties';

/** A control request the emulator refuses; the control API answers with its status. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** Marks a directory change: invalidates member caches and orders the change for delta queries. */
function bump(tenant: TenantState): number {
  tenant.version++;
  return tenant.version;
}

export function requireUser(tenant: TenantState, id: string): UserRecord {
  const user = tenant.directory.users.get(id);
  if (!user) throw new ControlError(404, `no user ${id} in tenant ${tenant.id}`);
  return user;
}

export function requireGroup(tenant: TenantState, id: string): GroupRecord {
  const group = tenant.directory.groups.get(id);
  if (!group) throw new ControlError(404, `no group ${id} in tenant ${tenant.id}`);
  return group;
}

function checkProps(patch: GraphProps): void {
  for (const name of Object.keys(patch)) {
    if (name === 'id' || !USER_PROPERTIES.has(name))
      throw new ControlError(400, `cannot set user property "${name}"`);
  }
}

export function createUser(tenant: TenantState, input: { id?: string; props?: GraphProps }): UserRecord {
  const props = input.props ?? {};
  checkProps(props);
  const displayName = typeof props.displayName === 'string' ? props.displayName : 'New User';
  const local = `${mailSlug(displayName) || 'user'}.${tenant.idPrng.hex(6)}`;
  const id = input.id ?? tenant.idPrng.uuid();
  if (tenant.directory.users.has(id)) throw new ControlError(409, `user ${id} already exists`);
  const user = new UserRecord(id, {
    displayName,
    accountEnabled: true,
    userType: 'Member',
    userPrincipalName: `${local}@${tenant.directory.domain}`,
    mail: `${local}@${tenant.directory.domain}`,
    mailNickname: local,
    businessPhones: [],
  });
  user.patch(props);
  user.changedAt = bump(tenant);
  tenant.directory.users.set(id, user);
  return user;
}

export function updateUser(tenant: TenantState, id: string, patch: GraphProps): UserRecord {
  const user = requireUser(tenant, id);
  checkProps(patch);
  user.patch(patch);
  user.changedAt = bump(tenant);
  return user;
}

function groupsContaining(tenant: TenantState, memberId: string): GroupRecord[] {
  return [...tenant.directory.groups.values()].filter((group) => group.members.includes(memberId));
}

function logMembership(
  tenant: TenantState,
  groupId: string,
  memberId: string,
  added: boolean,
  version: number,
): void {
  const memberKind = kindOf(tenant.directory, memberId) ?? 'user';
  tenant.membershipLog.push({ version, groupId, memberId, memberKind, added });
}

/** Soft delete, as in Entra: hidden from reads and memberships, restorable for 30 days. */
export function softDeleteUser(tenant: TenantState, id: string): UserRecord {
  const user = requireUser(tenant, id);
  if (user.deletedDateTime) return user;
  const version = bump(tenant);
  user.deletedDateTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  user.changedAt = version;
  for (const group of groupsContaining(tenant, id)) logMembership(tenant, group.id, id, false, version);
  return user;
}

export function restoreUser(tenant: TenantState, id: string): UserRecord {
  const user = requireUser(tenant, id);
  if (!user.deletedDateTime) return user;
  const version = bump(tenant);
  user.deletedDateTime = null;
  user.changedAt = version;
  for (const group of groupsContaining(tenant, id)) logMembership(tenant, group.id, id, true, version);
  return user;
}

export function hardDeleteUser(tenant: TenantState, id: string): void {
  const user = requireUser(tenant, id);
  const version = bump(tenant);
  for (const group of groupsContaining(tenant, id)) {
    group.members = group.members.filter((memberId) => memberId !== id);
    if (!user.deletedDateTime) logMembership(tenant, group.id, id, false, version);
  }
  tenant.directory.users.delete(id);
  tenant.hardDeleted.set(id, version);
}

/** Photos are not tracked by users/delta in Graph either, so this changes no version. */
export function setPhoto(tenant: TenantState, id: string, photo: Photo | null): void {
  requireUser(tenant, id).photo = photo;
}

export function createGroup(
  tenant: TenantState,
  input: { id?: string; displayName: string; description?: string | null; memberIds?: string[] },
): GroupRecord {
  if (!input.displayName) throw new ControlError(400, 'a group needs a displayName');
  const group = createGroupRecord(tenant.idPrng, input);
  if (tenant.directory.groups.has(group.id)) throw new ControlError(409, `group ${group.id} already exists`);
  group.changedAt = bump(tenant);
  tenant.directory.groups.set(group.id, group);
  for (const memberId of input.memberIds ?? []) addMember(tenant, group.id, memberId);
  return group;
}

export function updateGroup(
  tenant: TenantState,
  id: string,
  patch: { displayName?: string; description?: string | null },
): GroupRecord {
  const group = requireGroup(tenant, id);
  if (patch.displayName !== undefined) group.props.displayName = patch.displayName;
  if (patch.description !== undefined) group.props.description = patch.description;
  group.changedAt = bump(tenant);
  return group;
}

export function addMember(tenant: TenantState, groupId: string, memberId: string): void {
  const group = requireGroup(tenant, groupId);
  const { users, groups, others } = tenant.directory;
  if (!users.has(memberId) && !groups.has(memberId) && !others.has(memberId)) {
    throw new ControlError(404, `no directory object ${memberId} in tenant ${tenant.id}`);
  }
  if (memberId === groupId) throw new ControlError(400, 'a group cannot be a member of itself');
  if (group.members.includes(memberId)) return;
  group.members.push(memberId);
  logMembership(tenant, groupId, memberId, true, bump(tenant));
}

export function removeMember(tenant: TenantState, groupId: string, memberId: string): void {
  const group = requireGroup(tenant, groupId);
  const index = group.members.indexOf(memberId);
  if (index < 0) throw new ControlError(404, `${memberId} is not a direct member of group ${groupId}`);
  group.members.splice(index, 1);
  logMembership(tenant, groupId, memberId, false, bump(tenant));
}
