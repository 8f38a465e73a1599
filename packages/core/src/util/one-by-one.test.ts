import { describe, expect, it } from 'vitest';
import { oneByOneOnFailure } from './one-by-one.ts';

describe('oneByOneOnFailure', () => {
  it('writes a good batch once', async () => {
    const calls: number[][] = [];
    const items = [{ n: 1 }, { n: 2 }] as { n: number; error?: unknown }[];
    await oneByOneOnFailure(items, async (some) => void calls.push(some.map((i) => i.n)));
    expect(calls).toEqual([[1, 2]]);
    expect(items.every((i) => i.error === undefined)).toBe(true);
  });

  it('writes the items of a failed batch alone, failing only the bad one', async () => {
    const written: number[] = [];
    const items = [{ n: 1 }, { n: 2 }, { n: 3 }] as { n: number; error?: unknown }[];
    await oneByOneOnFailure(items, async (some) => {
      if (some.some((i) => i.n === 2)) throw new Error('bad item 2');
      written.push(...some.map((i) => i.n));
    });
    expect(written).toEqual([1, 3]);
    expect(items.map((i) => (i.error as Error | undefined)?.message)).toEqual([undefined, 'bad item 2', undefined]);
  });
});
