import { sql } from 'kysely';
import type { TenantInfo } from '../emulator/tenant-registry';
import { sizedJpegPhoto } from '../emulator/photos';
import { setPhoto } from '../emulator/tenant-mutations';
import type { TenantState } from '../emulator/tenant-state';
import type { CaseResult, PhotoFigures } from './report';
import { settle } from './settle';
import type { BenchStack } from './stack';

/** Share of generated members with a photo, and the photos' sizes (the issue's bench). */
export const PHOTO_RATE = 0.7;
export const PHOTO_BYTES = { min: 5_000, max: 50_000 };
/** The throttled case: this share of Graph requests ($batch inner requests too) answered 429. */
const THROTTLE_RATE = 0.2;

type SeedWorkspace = (
  stack: BenchStack,
  info: TenantInfo,
  entraGroupId: string,
  opts: { photos: boolean },
) => Promise<{ workspaceId: string; groupId: string }>;

type RunSync = (
  stack: BenchStack,
  args: {
    workspaceId: string;
    groupId: string;
    full: boolean;
    name: string;
    members: number;
    latencyMs: number;
  },
) => Promise<CaseResult>;

/**
 * `npm run bench -- --photos`: the photo cases of issue 22 per group size, photos on — cold full
 * sync, re-sync with nothing changed (delta), a full read after 1% of members changed their photo,
 * and the cold case again on a fresh tenant with 20% of Graph requests throttled.
 */
export async function benchPhotoCases(
  stack: BenchStack,
  members: number,
  latencyMs: number,
  caseLimit: number,
  log: (line: string) => void,
  deps: { seedWorkspace: SeedWorkspace; runSync: RunSync },
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const tenantFor = (seed: number) => {
    log(`creating an emulated tenant with a ${members}-member group, ${PHOTO_RATE * 100}% with photos`);
    const info = stack.emulator.tenants.create({
      seed,
      users: members,
      traits: { disabled: 0, guest: 0, softDeleted: 0, noMail: 0, photo: PHOTO_RATE },
      photoBytes: PHOTO_BYTES,
      groups: [{ displayName: `Bench ${members}`, users: 'all' }],
    });
    return { info, tenant: stack.emulator.tenants.require(info.tenantId) };
  };
  const run = async (
    scope: { info: TenantInfo; tenant: TenantState; workspaceId: string; groupId: string },
    name: string,
    full: boolean,
  ) => {
    const waited = await settle(stack.db);
    if (waited >= 1) log(`waited ${waited.toFixed(1)} s for the previous case's background work`);
    const before = { ...scope.tenant.counters, requests: { ...scope.tenant.counters.requests } };
    const result = await deps.runSync(stack, {
      workspaceId: scope.workspaceId,
      groupId: scope.groupId,
      full,
      name,
      members,
      latencyMs,
    });
    result.photos = await photoFigures(stack, scope, before);
    log(
      `${name}: ${result.wallSeconds.toFixed(1)} s, ${result.graphRequests} Graph requests, ${result.cardVersionsWritten} card versions, photos ${JSON.stringify(result.photos)}`,
    );
    log(`  activities (s): ${JSON.stringify(result.activitySeconds)}`);
    log(
      `  CPU (s): ${JSON.stringify(result.cpuSeconds)}; worker peak RSS ${result.workerPeakRssMb.toFixed(0)} MB`,
    );
    results.push(result);
  };

  const main = tenantFor(members);
  const entraGroupId = main.info.groups[0]!.id;
  const seeded = await deps.seedWorkspace(stack, main.info, entraGroupId, { photos: true });
  const scope = { ...main, ...seeded };
  main.tenant.faults = { ...main.tenant.faults, latencyMs };
  const steps: Array<() => Promise<void>> = [
    () => run(scope, 'cold full sync, photos', true),
    () => run(scope, 're-sync, nothing changed, photos', false),
    async () => {
      const changed = changePhotos(main.tenant, entraGroupId, 0.01);
      log(`${changed} members changed their photo`);
      await run(scope, '1% photos changed, full read', true);
    },
    async () => {
      const throttled = tenantFor(members + 1);
      const ids = await deps.seedWorkspace(stack, throttled.info, throttled.info.groups[0]!.id, {
        photos: true,
      });
      throttled.tenant.faults = {
        ...throttled.tenant.faults,
        latencyMs,
        throttleRate: THROTTLE_RATE,
        retryAfterSeconds: 1,
      };
      await run({ ...throttled, ...ids }, 'cold full sync, photos, 20% throttled', true);
      stack.emulator.tenants.delete(throttled.info.tenantId);
    },
  ];
  for (const step of steps.slice(0, caseLimit)) await step();
  stack.emulator.tenants.delete(main.info.tenantId);
  return results;
}

/** Gives `share` of the group's members who have a photo a new one (new bytes, new etag). */
function changePhotos(tenant: TenantState, groupId: string, share: number): number {
  const group = tenant.directory.groups.get(groupId)!;
  const withPhoto = group.members.filter((id) => tenant.directory.users.get(id)?.photo);
  const count = Math.max(1, Math.round(group.members.length * share));
  const stride = Math.max(1, Math.floor(withPhoto.length / count));
  let changed = 0;
  for (let i = 0; i < withPhoto.length && changed < count; i += stride, changed++) {
    const bytes = PHOTO_BYTES.min + ((i * 7919) % (PHOTO_BYTES.max - PHOTO_BYTES.min));
    setPhoto(tenant, withPhoto[i]!, sizedJpegPhoto(i % 256, bytes, `changed:${withPhoto[i]}`));
  }
  return changed;
}

async function photoFigures(
  stack: BenchStack,
  scope: { tenant: TenantState; workspaceId: string },
  before: TenantState['counters'],
): Promise<PhotoFigures> {
  const now = scope.tenant.counters;
  const delta = (kind: string) => (now.requests[kind] ?? 0) - (before.requests[kind] ?? 0);
  const { rows } = await sql<{ stored: number; blobs: number; changes: number }>`
    select (select count(*)::int from recipient_photos p join recipients r on r.id = p.recipient_id
             where r.workspace_id = ${scope.workspaceId}::uuid) as stored,
           (select count(*)::int from photo_blobs) as blobs,
           (select count(*)::int from recipient_changes c
             where c.workspace_id = ${scope.workspaceId}::uuid and c.action = 'photo'
               and c.sync_run_id = (select id from sync_runs where workspace_id = ${scope.workspaceId}::uuid
                                     order by started_at desc limit 1)) as changes`.execute(stack.db);
  return {
    bytesDownloaded: now.photoBytes - before.photoBytes,
    batches: delta('batch'),
    metadataReads: delta('photo.metadata'),
    downloads: delta('photo'),
    throttled: now.throttled - before.throttled,
    earlyRetries: now.earlyRetries - before.earlyRetries,
    photosStored: rows[0]!.stored,
    blobs: rows[0]!.blobs,
    photoChanges: rows[0]!.changes,
  };
}
