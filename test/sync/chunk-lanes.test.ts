import { describe, expect, it } from 'vitest';
import { writeInLanes, type OrderedChunk } from '../../engine/chunk-lanes';

/** Chunks of keys 1..n, `size` at a time, as a keyset read over them would return them. */
function reader(n: number, size: number) {
  return async (after: string): Promise<OrderedChunk<number[]>> => {
    const from = after === '' ? 1 : Number(after) + 1;
    const keys = Array.from({ length: Math.max(0, Math.min(size, n - from + 1)) }, (_, i) => from + i);
    return {
      start: after,
      end: keys.length ? String(keys.at(-1)) : after,
      last: keys.length < size,
      data: keys,
    };
  };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('writeInLanes', () => {
  it('when chunks take different times, then at most two are written at once and every checkpoint is at or before the oldest unfinished chunk', async () => {
    const written: number[] = [];
    const checkpoints: Array<{ chunk: string; resumeFrom: string; unfinished: string[] }> = [];
    const unfinished = new Set<string>();
    let atOnce = 0;
    let most = 0;
    const result = await writeInLanes({
      lanes: 2,
      after: '',
      read: reader(10, 3),
      async write(chunk, resumeFrom) {
        unfinished.add(chunk.start);
        atOnce += 1;
        most = Math.max(most, atOnce);
        // Odd chunks are slow, so later chunks finish first.
        await tick(chunk.data[0]! % 2 ? 30 : 5);
        checkpoints.push({ chunk: chunk.start, resumeFrom: resumeFrom(), unfinished: [...unfinished] });
        written.push(...chunk.data);
        unfinished.delete(chunk.start);
        atOnce -= 1;
      },
    });
    expect(result).toEqual({ end: '10', chunks: 4 });
    expect(written.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(most).toBe(2);
    const key = (cursor: string) => (cursor === '' ? 0 : Number(cursor));
    for (const c of checkpoints)
      for (const other of c.unfinished) expect(key(c.resumeFrom)).toBeLessThanOrEqual(key(other));
    // Some chunk did finish while an older one was still being written, and did not move past it.
    expect(checkpoints.some((c) => c.resumeFrom !== c.chunk)).toBe(true);
  });

  it('when a write fails, then the whole run rejects with it once the other lane has settled', async () => {
    let settled = false;
    const run = writeInLanes({
      lanes: 2,
      after: '',
      read: reader(6, 2),
      async write(chunk) {
        if (chunk.start === '') {
          await tick(20);
          settled = true;
          return;
        }
        throw new Error(`chunk after ${chunk.start} failed`);
      },
    });
    await expect(run).rejects.toThrow('chunk after 2 failed');
    expect(settled).toBe(true);
  });

  it('when a chunk fails while a later one is still being written, then the later one does not checkpoint past it', async () => {
    const checkpoints: string[] = [];
    const run = writeInLanes({
      lanes: 2,
      after: '',
      read: reader(6, 2),
      async write(chunk, resumeFrom) {
        if (chunk.start === '') {
          await tick(5);
          throw new Error('first chunk failed');
        }
        await tick(30);
        checkpoints.push(resumeFrom());
      },
    });
    await expect(run).rejects.toThrow('first chunk failed');
    // a retry resumes from the checkpoint: it must read the failed chunk again
    expect(checkpoints).toEqual(['']);
  });

  it('when reads ahead are asked for, then that many chunks are read while the first is written, and all are written in order once', async () => {
    const read = reader(20, 2);
    let reads = 0;
    let readsDuringFirstWrite = 0;
    const written: number[] = [];
    const result = await writeInLanes({
      lanes: 1,
      after: '',
      readAhead: 3,
      read: (after) => {
        reads += 1;
        return read(after);
      },
      async write(chunk) {
        if (chunk.start === '') {
          await tick(30);
          readsDuringFirstWrite = reads;
        }
        written.push(...chunk.data);
      },
    });
    expect(result).toEqual({ end: '20', chunks: 11 }); // the last, empty read counts too
    // the chunk being written, the next one waiting for a lane, and three read ahead of it
    expect(readsDuringFirstWrite).toBe(5);
    expect(written).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
