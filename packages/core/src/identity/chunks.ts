import { chunks } from '../db/index.ts';

/** Runs `fn` over slices of at most `size` items, one after another. */
export async function chunked<T>(items: readonly T[], fn: (chunk: T[]) => Promise<void>, size?: number): Promise<void> {
  for (const chunk of chunks(items, size)) await fn(chunk);
}
