import type { Db } from '../db/database';
import { readDepartedCandidates } from '../db/repositories/group-memberships';
import { stageDeparted, type DepartedMember } from '../db/repositories/staged-members';
import type { EntraClient } from '../graph/entra-client';
import { writeCheckpoint, type KeysetCheckpoint } from './checkpoints';
import type { Progress } from './heartbeat';

/**
 * Former members looked up per chunk (the Graph client batches them 20 per $batch request). Each
 * chunk's read is an anti-join over the group's memberships, so chunks are large.
 */
const DEPARTED_CHUNK = 2000;

/**
 * Stages the group's members that this run's listing did not have: still in the directory
 * (`removed` from the group) or not (`deleted`), chunk by chunk with the checkpoint.
 */
export async function stageDepartedMembers(
  ctx: {
    db: Db;
    client: () => Promise<EntraClient>;
    syncRunId: string;
    groupId: string;
    select: string[];
    progress: Progress;
  },
  from: KeysetCheckpoint,
): Promise<KeysetCheckpoint> {
  const { db, syncRunId } = ctx;
  let cp = from;
  while (!cp.done) {
    ctx.progress.throwIfCancelled();
    const candidates = await readDepartedCandidates(db, ctx.groupId, syncRunId, cp.after, DEPARTED_CHUNK);
    const next = {
      after: candidates.at(-1)?.entraUserId ?? cp.after,
      done: candidates.length < DEPARTED_CHUNK,
    };
    let departed: DepartedMember[] = [];
    if (candidates.length) {
      const found = await (
        await ctx.client()
      ).getUsersByIds(
        candidates.map((c) => c.entraUserId),
        ctx.select,
      );
      departed = candidates.map((c) => {
        const user = found.get(c.entraUserId) ?? null;
        return {
          entraUserId: c.entraUserId,
          recipientId: c.recipientId,
          change: user ? 'removed' : 'deleted',
          data: user,
        };
      });
    }
    await db.transaction().execute(async (trx) => {
      await stageDeparted(trx, syncRunId, departed);
      await writeCheckpoint(trx, syncRunId, 'planCleanUp', next);
    });
    cp = next;
    ctx.progress.set({ after: cp.after });
  }
  return cp;
}
