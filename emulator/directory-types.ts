import type { GraphProps, UserRecord } from './user-record';

export type { UserRecord } from './user-record';

export type { GraphProps } from './user-record';

export interface GroupRecord {
  id: string;
  props: GraphProps;
  /** direct members in insertion order, any object kind */
  members: string[];
  changedAt: number;
}

export type OtherKind = 'device' | 'orgContact' | 'servicePrincipal';

export interface OtherRecord {
  id: string;
  kind: OtherKind;
  props: GraphProps;
}

export interface Directory {
  users: Map<string, UserRecord>;
  groups: Map<string, GroupRecord>;
  others: Map<string, OtherRecord>;
  /** the domain of member UPNs and mail addresses */
  domain: string;
}

export type ObjectKind = 'user' | 'group' | OtherKind;

export const ODATA_TYPE: Record<ObjectKind, string> = {
  user: '#microsoft.graph.user',
  group: '#microsoft.graph.group',
  device: '#microsoft.graph.device',
  orgContact: '#microsoft.graph.orgContact',
  servicePrincipal: '#microsoft.graph.servicePrincipal',
};

export function kindOf(directory: Directory, id: string): ObjectKind | null {
  if (directory.users.has(id)) return 'user';
  if (directory.groups.has(id)) return 'group';
  return directory.others.get(id)?.kind ?? null;
}

/** How often each awkward case occurs among generated users (0..1). */
export interface UserTraitRates {
  disabled: number;
  guest: number;
  softDeleted: number;
  noMail: number;
  photo: number;
}

/** The range of photo sizes a generated tenant's photos have, in bytes. */
export interface PhotoSizes {
  min: number;
  max: number;
}

export interface GroupSpec {
  /** fixed object id (demo presets); otherwise drawn from the seed */
  id?: string;
  displayName: string;
  description?: string | null;
  /** how many generated users are direct members, taken consecutively from the user list */
  users?: number | 'all';
  /** where in the user list that slice starts (default 0) */
  userOffset?: number;
  /** displayNames of other groups of the same spec that are direct members of this one */
  nestedGroups?: string[];
  /** adds this many devices, org contacts and service principals each (default 0) */
  nonUserMembers?: number;
}

export interface DirectorySpec {
  seed: number;
  users: number;
  domain?: string;
  traits?: Partial<UserTraitRates>;
  /** photo sizes (bytes) drawn per user; default: tiny generated images */
  photoBytes?: PhotoSizes;
  /** default: one group "All Staff" with every user and one of each non-user kind */
  groups?: GroupSpec[];
}
