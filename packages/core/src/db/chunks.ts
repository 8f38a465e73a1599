/** Ids per `IN (…)` list and rows per multi-row statement: bound parameters stay well under SQLite's limit and PostgreSQL's comfort zone. */
export const IN_CHUNK = 500;

/** `items` in consecutive slices of at most `size`: one statement per slice. */
export function chunks<T>(items: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
