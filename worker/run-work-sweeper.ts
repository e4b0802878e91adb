import type { Db } from '../db/database';
import { pruneStaleOrphanBlobs } from '../db/repositories/photo-blobs';
import { clearEndedRunsWork, clearRunWork } from '../db/repositories/sync-run-progress';

export interface RunWorkSweeper {
  /** Drops an ended run's working rows in the background; returns at once. */
  drop(syncRunId: string): void;
  /** Drops the working rows of every run that is no longer running (a worker stopped before it got to them). */
  sweepLeftovers(): Promise<void>;
  /** Waits for the drops already asked for. */
  close(): Promise<void>;
}

/**
 * Deleting a big run's staged rows takes Postgres time that nobody waits for: the run's record
 * already says how it ended. The worker drops them after finishSyncRun has
 * answered, one run at a time, and sweeps at start-up whatever a stopped worker left behind.
 */
export function createRunWorkSweeper(db: Db, onError: (err: unknown) => void): RunWorkSweeper {
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch(onError);
    return queue;
  };
  return {
    drop(syncRunId) {
      void enqueue(async () => {
        await clearRunWork(db, syncRunId);
        // photo bytes a run stored but did not end up referring to (engine/photos.ts)
        await pruneStaleOrphanBlobs(db);
      });
    },
    sweepLeftovers: () =>
      enqueue(async () => {
        await clearEndedRunsWork(db);
        await pruneStaleOrphanBlobs(db);
      }),
    close: () => queue,
  };
}
