import { log } from '@temporalio/activity';
import { isWriteConflict } from '../db/repositories/recipient-writes';

/** A chunk read in key order: the cursor it was read after, its last key, and what it holds. */
export interface OrderedChunk<T> {
  start: string;
  end: string;
  /** Fewer rows than asked for: nothing follows. */
  last: boolean;
  data: T;
}

export interface ChunkLanes<T> {
  lanes: number;
  /** The cursor to read after (the checkpoint). */
  after: string;
  read(after: string): Promise<OrderedChunk<T>>;
  /**
   * Writes one chunk with its checkpoint. `resumeFrom()` is the start of the oldest chunk still
   * being written, this one included: everything before it is committed, so a retried activity
   * that reads on from there misses nothing (rows written by the later chunks are read again and
   * passed over by whatever marks them done).
   */
  write(chunk: OrderedChunk<T>, resumeFrom: () => string): Promise<void>;
  /** Called before each chunk is taken up, e.g. to stop on cancellation. */
  beforeEach?(): void;
  /**
   * Chunks read ahead of the one taken up (default 1). More suit chunks whose read starts slow
   * work it does not wait for (photo checks, engine/staged-apply.ts).
   */
  readAhead?: number;
}

/**
 * Reads chunks in key order, one ahead (or `readAhead`), and writes up to `lanes` of them at once,
 * so Postgres works on one chunk while the next is planned and written on another connection.
 * Resolves with the last key once every chunk is written; the first failure rejects, after the
 * other lanes have settled.
 */
export async function writeInLanes<T>(opts: ChunkLanes<T>): Promise<{ end: string; chunks: number }> {
  const writing = new Set<Promise<void>>();
  const starts: string[] = [];
  let failure: { error: unknown } | null = null;
  // Each read starts when the one before it has answered (keyset order): a chain of reads, at most
  // `readAhead` of them not yet taken up; null once the last chunk has been read.
  const depth = Math.max(1, opts.readAhead ?? 1);
  let tail: Promise<OrderedChunk<T> | null> = readAhead(() => opts.read(opts.after));
  const ahead = [tail];
  const readMore = () => {
    while (ahead.length < depth) {
      const previous = tail;
      tail = readAhead(async () => {
        const chunk = await previous;
        return chunk && !chunk.last ? opts.read(chunk.end) : null;
      });
      ahead.push(tail);
    }
  };
  let end = opts.after;
  let chunks = 0;
  try {
    while (ahead.length && !failure) {
      opts.beforeEach?.();
      const chunk = await ahead.shift()!;
      if (!chunk) break;
      if (!chunk.last) readMore();
      else ahead.length = 0;
      while (writing.size >= opts.lanes && !failure) await Promise.race(writing);
      if (failure) break;
      starts.push(chunk.start);
      const written: Promise<void> = opts
        .write(chunk, () => starts[0]!)
        .then(
          // A failed chunk keeps its start: chunks still being written must not checkpoint past it.
          () => void starts.splice(starts.indexOf(chunk.start), 1),
          (error: unknown) => {
            failure ??= { error };
          },
        )
        .finally(() => writing.delete(written));
      writing.add(written);
      end = chunk.end;
      chunks += 1;
    }
  } finally {
    await Promise.all(writing);
  }
  if (failure) throw (failure as { error: unknown }).error;
  return { end, chunks };
}

/**
 * Starts reading the next chunk while the current ones are written. A failure surfaces where the
 * result is awaited; one never awaited (the run stopped first) is not an unhandled rejection.
 */
function readAhead<T>(read: () => Promise<T>): Promise<T> {
  const pending = read();
  pending.catch(() => {});
  return pending;
}

const MAX_CHUNK_ATTEMPTS = 3;

/**
 * Writes one lane's chunk holding the workspace lock shared; when it loses to a change made
 * meanwhile (isWriteConflict), again holding it exclusively, where it reads what won and decides
 * again. Other failures, and a third conflict, are thrown.
 */
export async function writeSharedThenAlone(
  what: { chunk: string; syncRunId: string },
  write: (lock: 'shared' | 'exclusive') => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(attempt === 1 ? 'shared' : 'exclusive');
    } catch (error) {
      if (!isWriteConflict(error) || attempt >= MAX_CHUNK_ATTEMPTS) throw error;
      log.info(`${what.chunk} chunk met a change made meanwhile; writing it again alone`, {
        syncRunId: what.syncRunId,
        attempt,
        error: String(error),
      });
    }
  }
}
