import type { RunHold } from '../contracts/sync-runs';
import { CLEANUP_REASONS, cleanupEffect, type CleanupKind } from '../domain/cleanup-policy';
import type { SyncOptions } from '../domain/sync-options';
import type { Db } from '../db/database';
import { writePlannedRemovals, writeRunHold } from '../db/repositories/run-holds';

const KINDS: CleanupKind[] = ['disabled', 'removed', 'deleted'];

/**
 * What a run held by the deletion threshold shows before anyone approves: the hold on the run
 * record and each planned removal as a `planned` change row, written together.
 */
export async function recordHeldPlan(
  db: Db,
  run: { workspaceId: string; groupId: string; syncRunId: string; options: SyncOptions },
  hold: RunHold,
): Promise<void> {
  const effects = Object.fromEntries(KINDS.map((k) => [k, cleanupEffect(k, run.options)])) as Record<
    CleanupKind,
    ReturnType<typeof cleanupEffect>
  >;
  await db.transaction().execute(async (trx) => {
    await writePlannedRemovals(trx, { ...run, effects, reasons: CLEANUP_REASONS });
    await writeRunHold(trx, run.syncRunId, hold);
  });
}
