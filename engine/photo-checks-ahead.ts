import { log } from '@temporalio/activity';
import type { Db } from '../db/database';
import { recordPhotoChecks } from '../db/repositories/photo-checks';
import type { EntraClient } from '../graph/entra-client';

/**
 * Pages whose photo metadata is read at once; their $batch requests share the client's lanes. Each
 * page's last few batches leave lanes idle unless other pages' batches are waiting for them.
 */
const PAGES_AT_ONCE = 4;

export interface PhotoChecksAhead {
  /** Hands over a staged page's member ids. */
  offer(entraUserIds: string[]): void;
  /** Takes no more pages and waits until every page offered is read (or failed to be). */
  finish(): Promise<void>;
  /** Takes no more pages and waits for the ones being read; what was not read is read when applied. */
  stop(): Promise<void>;
}

/**
 * Reads the photo metadata (`@odata.mediaEtag`) of a full listing's members while it pages and
 * records it with the run (sync_photo_checks), so applyFieldSettings compares etags without
 * reading them again: the metadata requests overlap the listing's round trips instead of
 * following them. A page that fails to be read is simply read again when applied.
 */
export function startPhotoChecksAhead(opts: {
  db: Db;
  client: EntraClient;
  syncRunId: string;
}): PhotoChecksAhead {
  const waiting: string[][] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  let closed = false;

  const run = async () => {
    while (!stopped && waiting.length) {
      const ids = waiting.shift()!;
      try {
        const metadata = await opts.client.getPhotoMetadata(ids);
        await recordPhotoChecks(
          opts.db,
          opts.syncRunId,
          ids.map((id) => {
            const meta = metadata.get(id);
            return { entraUserId: id, hasPhoto: !!meta, mediaEtag: meta?.etag ?? null };
          }),
        );
      } catch (err) {
        log.info('photo metadata read ahead failed; it is read again when the members are applied', {
          syncRunId: opts.syncRunId,
          error: String(err),
        });
      }
    }
  };

  return {
    offer(entraUserIds) {
      if (closed || !entraUserIds.length) return;
      waiting.push(entraUserIds);
      if (running.size < PAGES_AT_ONCE) {
        const lane: Promise<void> = run().finally(() => running.delete(lane));
        running.add(lane);
      }
    },
    async finish() {
      closed = true;
      await Promise.all(running);
    },
    async stop() {
      closed = true;
      stopped = true;
      waiting.length = 0;
      await Promise.all(running);
    },
  };
}
