/** Runs `fn` over slices of at most `size` items: bound parameters per statement stay under both databases' limits. */
export async function chunked<T>(items: readonly T[], fn: (chunk: T[]) => Promise<void>, size = 500): Promise<void> {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}
