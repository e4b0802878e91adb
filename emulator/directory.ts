import { createPrng, deriveSeed, type Prng } from './prng';
import { DEFAULT_TRAITS, generateUser, type UserGeneratorContext } from './user-generator';
import type {
  Directory,
  DirectorySpec,
  GroupRecord,
  GroupSpec,
  OtherKind,
  OtherRecord,
} from './directory-types';

export type { Directory, DirectorySpec, GroupSpec, UserTraitRates } from './directory-types';

/** Fixed so the same seed yields byte-identical directories on every machine and day. */
const DIRECTORY_EPOCH_MS = Date.UTC(2025, 0, 15, 9, 30, 0);

const DEFAULT_GROUPS: GroupSpec[] = [
  {
    displayName: 'All Staff',
    description: 'Everyone, including guests; nested groups excluded',
    users: 'all',
    nonUserMembers: 1,
  },
];

/**
 * Builds a seeded, deterministic directory: users with realistic and awkward values, groups with direct
 * and nested members, and non-user members (devices, org contacts, service principals).
 * Cheap enough for 100,000 users in well under a second.
 */
export function generateDirectory(spec: DirectorySpec): Directory {
  const domain = spec.domain ?? 'contoso.example';
  const prng = createPrng(deriveSeed(spec.seed, 'users'));
  const ctx: UserGeneratorContext = {
    prng,
    seed: spec.seed,
    domain,
    traits: { ...DEFAULT_TRAITS, ...spec.traits },
    photoBytes: spec.photoBytes ?? null,
    localPartCounts: new Map(),
    epochMs: DIRECTORY_EPOCH_MS,
  };
  const directory: Directory = { users: new Map(), groups: new Map(), others: new Map(), domain };
  const userIds: string[] = new Array(spec.users);
  for (let i = 0; i < spec.users; i++) {
    const user = generateUser(ctx, i);
    directory.users.set(user.id, user);
    userIds[i] = user.id;
  }
  addGroups(directory, spec.groups ?? DEFAULT_GROUPS, userIds, createPrng(deriveSeed(spec.seed, 'groups')));
  return directory;
}

function addGroups(directory: Directory, specs: GroupSpec[], userIds: string[], prng: Prng): void {
  const byName = new Map<string, GroupRecord>();
  for (const spec of specs) {
    const group = createGroupRecord(prng, spec);
    const count = spec.users === 'all' ? userIds.length : (spec.users ?? 0);
    const offset = Math.min(spec.userOffset ?? 0, userIds.length);
    group.members.push(...userIds.slice(offset, offset + count));
    for (let i = 0; i < (spec.nonUserMembers ?? 0); i++) {
      for (const kind of ['device', 'orgContact', 'servicePrincipal'] as const) {
        const other = createOtherRecord(prng, kind, directory.others.size);
        directory.others.set(other.id, other);
        group.members.push(other.id);
      }
    }
    directory.groups.set(group.id, group);
    byName.set(spec.displayName, group);
  }
  for (const spec of specs) {
    const parent = byName.get(spec.displayName)!;
    for (const childName of spec.nestedGroups ?? []) {
      const child = byName.get(childName);
      if (!child) throw new Error(`group spec "${spec.displayName}" nests unknown group "${childName}"`);
      parent.members.push(child.id);
    }
  }
}

export function createGroupRecord(prng: Prng, spec: Omit<GroupSpec, 'users'>): GroupRecord {
  const nickname =
    spec.displayName
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 40) || 'group';
  return {
    id: spec.id ?? prng.uuid(),
    props: {
      displayName: spec.displayName,
      description: spec.description ?? null,
      mailNickname: nickname,
      mailEnabled: false,
      securityEnabled: true,
      groupTypes: [],
      createdDateTime: '2024-03-01T12:00:00Z',
      securityIdentifier: `S-1-12-1-${prng.int(2 ** 31)}-${prng.int(2 ** 31)}`,
    },
    members: [],
    changedAt: 0,
  };
}

function createOtherRecord(prng: Prng, kind: OtherKind, n: number): OtherRecord {
  const id = prng.uuid();
  if (kind === 'device') {
    return {
      id,
      kind,
      props: {
        displayName: `LAPTOP-${prng.hex(6).toUpperCase()}`,
        deviceId: prng.uuid(),
        operatingSystem: 'Windows',
        accountEnabled: true,
      },
    };
  }
  if (kind === 'orgContact') {
    return {
      id,
      kind,
      props: {
        displayName: `External Contact ${n}`,
        givenName: 'External',
        surname: `Contact ${n}`,
        mail: `contact${n}@supplier.example`,
      },
    };
  }
  return {
    id,
    kind,
    props: {
      displayName: `Contoso Build Agent ${n}`,
      appId: prng.uuid(),
      servicePrincipalType: 'Application',
    },
  };
}
