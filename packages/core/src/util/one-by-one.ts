/**
 * Writes a batch in one go; when that fails, each item alone, so that one bad item fails by
 * itself (its `error` set) and the others are still written. For BatchWriter batches on hot
 * paths, where one agent's bad result must not cost every other host its result.
 */
export async function oneByOneOnFailure<T extends { error?: unknown }>(items: T[], write: (items: T[]) => Promise<void>): Promise<void> {
  try {
    await write(items);
  } catch (err) {
    if (items.length === 1) {
      items[0].error = err;
      return;
    }
    for (const item of items) {
      try {
        await write([item]);
      } catch (e) {
        item.error = e;
      }
    }
  }
}
