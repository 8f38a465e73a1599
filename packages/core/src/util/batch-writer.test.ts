import { describe, expect, it } from 'vitest';
import { BatchWriter } from './batch-writer.ts';

describe('BatchWriter', () => {
  it('coalesces what arrives in one turn of the event loop into one write', async () => {
    const writes: number[][] = [];
    const w = new BatchWriter<number>(async (items) => void writes.push(items), 100);
    const done = [1, 2, 3].map((n) => w.add(n));
    expect(writes).toEqual([]);
    await Promise.all(done);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  it('writes a full batch at once, without waiting for the event loop to come round', async () => {
    const writes: number[][] = [];
    let release: () => void = () => {};
    const w = new BatchWriter<number>(async (items) => {
      writes.push(items);
      await new Promise<void>((r) => (release = r));
    }, 3);
    const first = [1, 2, 3].map((n) => w.add(n));
    expect(writes).toEqual([[1, 2, 3]]);
    // Items that arrive during a write go into the next one, written by the same loop.
    const later = [4, 5].map((n) => w.add(n));
    release();
    await Promise.all(first);
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all(later);
    expect(writes).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('rejects the items of a failed write and goes on with the next', async () => {
    let fail = true;
    const w = new BatchWriter<number>(async () => {
      if (fail) {
        fail = false;
        throw new Error('disk full');
      }
    }, 2);
    const a = w.add(1);
    const b = w.add(2);
    const c = w.add(3);
    await expect(a).rejects.toThrow('disk full');
    await expect(b).rejects.toThrow('disk full');
    await expect(c).resolves.toBeUndefined();
  });
});

describe('BatchWriter bounds', () => {
  it('refuses items beyond maxQueued with a 503, logs the overload once, and takes items again once it drains', async () => {
    const logged: string[] = [];
    const log = { warn: (_: object, msg: string) => void logged.push(`warn: ${msg}`), error: (_: object, msg: string) => void logged.push(`error: ${msg}`) };
    const releases: (() => void)[] = [];
    const written: number[] = [];
    const w = new BatchWriter<number>(
      async (items) => {
        await new Promise<void>((r) => releases.push(r));
        written.push(...items);
      },
      { maxBatch: 2, maxQueued: 4, name: 'test items', log },
    );
    // The first batch is being written (held); four more fill the queue.
    const accepted = [1, 2, 3, 4, 5, 6].map((n) => w.add(n));
    expect(w.queued).toBe(4);
    const refused = [7, 8].map((n) => w.add(n));
    for (const r of refused) await expect(r).rejects.toMatchObject({ status: 503, kind: 'unavailable', message: expect.stringContaining('test items') });
    expect(logged).toEqual(['error: batch writer full: refusing new items until the database catches up']);

    // The database catches up: the queue drains and new items are taken again.
    while (written.length < 6) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(accepted);
    const later = w.add(9);
    expect(logged).toEqual(['error: batch writer full: refusing new items until the database catches up', 'warn: batch writer no longer full']);
    while (!written.includes(9)) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await later;
    expect(written).toEqual([1, 2, 3, 4, 5, 6, 9]);
  });
});
