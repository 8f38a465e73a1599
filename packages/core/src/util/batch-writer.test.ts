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
