import type { Counters, LoggedRequest } from './counters';
import { emptyCounters } from './counters';
import type { Directory, ObjectKind } from './directory-types';
import { NO_FAULTS, createFaultInjector, type FaultInjector, type Faults } from './faults';
import { createPrng, deriveSeed, type Prng } from './prng';

/** The application permissions Graph checks in this product; granted to new apps unless told otherwise. */
export const DEFAULT_ROLES = ['User.Read.All', 'GroupMember.Read.All'];

export interface AppRegistration {
  clientId: string;
  clientSecret: string;
  /** application permissions with admin consent: the token's `roles` claim */
  roles: string[];
}

export interface MembershipChange {
  version: number;
  groupId: string;
  memberId: string;
  memberKind: ObjectKind;
  added: boolean;
}

/** Everything the emulator knows about one tenant: its directory, apps, faults and bookkeeping. */
export interface TenantState {
  id: string;
  seed: number;
  directory: Directory;
  apps: Map<string, AppRegistration>;
  faults: Faults;
  faultInjector: FaultInjector;
  counters: Counters;
  requestLog: LoggedRequest[];
  /** bumped by every directory change; users/delta and groups/delta compare against it */
  version: number;
  membershipLog: MembershipChange[];
  /** hard-deleted user ids and the version they went away at */
  hardDeleted: Map<string, number>;
  /** sequence number stamped into every skiptoken and delta token this tenant issues */
  tokenSeq: number;
  /** tokens with a lower sequence number are expired */
  skiptokensValidFrom: number;
  deltaTokensValidFrom: number;
  /** ids for objects created later through the control API */
  idPrng: Prng;
  memberCache: Map<string, { version: number; ids: string[] }>;
  /** frozen result lists that skiptokens page through, so paging is stable while the directory changes */
  snapshots: Map<string, unknown[]>;
}

export const REQUEST_LOG_LIMIT = 2000;

export function createTenantState(args: {
  id: string;
  seed: number;
  directory: Directory;
  apps: AppRegistration[];
}): TenantState {
  return {
    id: args.id,
    seed: args.seed,
    directory: args.directory,
    apps: new Map(args.apps.map((app) => [app.clientId, app])),
    faults: { ...NO_FAULTS },
    faultInjector: createFaultInjector(args.seed),
    counters: emptyCounters(),
    requestLog: [],
    version: 1,
    membershipLog: [],
    hardDeleted: new Map(),
    tokenSeq: 1,
    skiptokensValidFrom: 0,
    deltaTokensValidFrom: 0,
    idPrng: createPrng(deriveSeed(args.seed, 'control-ids')),
    memberCache: new Map(),
    snapshots: new Map(),
  };
}

export function logRequest(tenant: TenantState, entry: LoggedRequest): void {
  tenant.requestLog.push(entry);
  if (tenant.requestLog.length > REQUEST_LOG_LIMIT)
    tenant.requestLog.splice(0, tenant.requestLog.length - REQUEST_LOG_LIMIT);
}
