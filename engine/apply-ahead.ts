import type { Db } from '../db/database';
import { commitChunk } from '../db/commit-chunk';
import type { StagedUser } from '../db/repositories/staged-members';
import { photoSyncs } from '../domain/field-settings';
import { applyUsers, type ApplyScope } from './apply-users';
import { writeSharedThenAlone } from './chunk-lanes';
import type { FetchedPhoto } from '../domain/photo';

/**
 * Staged pages waiting for the applier, at most. A page offered while they wait is left to
 * applyFieldSettings, so the listing never waits for the applier and memory stays bounded.
 */
const MAX_WAITING = 4;
/**
 * Chunks written at once. They take the cores the listing leaves idle while it waits on Graph; the
 * listing then shares them and pages slower, but a first sync ends sooner; three keep up with the
 * listing on two cores where two fell behind (docs/performance-notes.md). When photos sync, six:
 * each chunk then mostly waits on its photo requests (throttled ones for their Retry-After), which
 * share the client's $batch lanes, and holds only hashes (photo bytes are stored as they arrive,
 * engine/photos.ts).
 */
const LANES = { withoutPhotos: 3, withPhotos: 6 };

/**
 * Applies the members of a group's first listing while the listing still pages (fetchMembers), on
 * the cores that would otherwise wait for Graph with it.
 */
export interface ApplyAhead {
  /**
   * Hands over a staged page: its enabled members among `toApply` (Entra id → source hash, from
   * stageUsers) are applied in a chunk of their own, unless the applier is too far behind.
   */
  offer(users: StagedUser[], toApply: Record<string, string> | null | undefined): void;
  /** The applier's failure, once it has one; it takes no more pages then. */
  failure(): unknown;
  /**
   * Takes no more pages, lets the chunk being written commit, and throws the applier's failure;
   * else says how many members it applied and how many it left to applyFieldSettings.
   */
  stop(): Promise<{ applied: number; left: number }>;
}

/**
 * Starts an applier for one run. Each chunk is what applyFieldSettings would write for these
 * members, in one transaction that also records their outcomes, so applyFieldSettings passes over
 * them and a crash leaves them either applied or still to apply. Disabled members are left to
 * applyFieldSettings: cleanup, planned after the listing, may concern them.
 */
export function startApplyAhead(opts: {
  db: Db;
  scope: ApplyScope;
  photos: (users: StagedUser[]) => Promise<Map<string, FetchedPhoto | null>>;
}): ApplyAhead {
  const lanes = photoSyncs(opts.scope.settings) ? LANES.withPhotos : LANES.withoutPhotos;
  const { db, scope } = opts;
  const waiting: Array<{ users: StagedUser[]; sourceHashes: Map<string, string> }> = [];
  let stopped = false;
  let failure: { error: unknown } | null = null;
  const running = new Set<Promise<void>>();
  let applied = 0;
  let left = 0;

  const run = async () => {
    while (!stopped && failure === null && waiting.length) {
      const { users, sourceHashes } = waiting.shift()!;
      try {
        const photos = await opts.photos(users);
        await writeSharedThenAlone({ chunk: 'apply-ahead', syncRunId: scope.syncRunId }, (lock) =>
          commitChunk(db, { last: false }, async (trx) => {
            await applyUsers(trx, scope, users, { photos, sourceHashes, lock });
          }),
        );
        applied += users.length;
      } catch (error) {
        failure = { error };
      }
    }
  };

  return {
    offer(users, toApply) {
      if (stopped || failure !== null || !toApply) return;
      const sourceHashes = new Map<string, string>();
      const chosen: StagedUser[] = [];
      for (const u of users)
        if (Object.hasOwn(toApply, u.id) && !sourceHashes.has(u.id) && u.accountEnabled !== false) {
          sourceHashes.set(u.id, toApply[u.id]!);
          chosen.push(u);
        }
      if (!chosen.length) return;
      if (waiting.length >= MAX_WAITING) {
        left += chosen.length;
        return;
      }
      waiting.push({ users: chosen, sourceHashes });
      if (running.size < lanes) {
        const lane: Promise<void> = run().finally(() => running.delete(lane));
        running.add(lane);
      }
    },
    failure: () => failure?.error ?? null,
    async stop() {
      stopped = true;
      for (const page of waiting.splice(0)) left += page.users.length;
      await Promise.all(running);
      if (failure) throw failure.error;
      return { applied, left };
    },
  };
}
