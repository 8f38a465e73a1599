/**
 * Every problem with a caller's filter or sort string: syntax errors from the parser and semantic
 * errors (unknown property, wrong value type, ...) from the compiler. Anything else escaping the
 * FQL module is a bug.
 */
export class FqlError extends Error {
  constructor(
    message: string,
    /** 0-based offset into the filter (or sort) text where the problem was found. */
    readonly position: number,
    /** What would have been accepted there, for humans (e.g. `"'"`, `property name`). */
    readonly expected: string[] = [],
  ) {
    super(message);
    this.name = 'FqlError';
  }
}

/** A filter problem at `position`: `Invalid FQL filter at position 12: <detail>`. */
export function filterError(position: number, detail: string, expected: string[] = []): FqlError {
  return new FqlError(`Invalid FQL filter at position ${position}: ${detail}`, position, expected);
}

/** `a`, `a or b`, `a, b or c`. */
export function humanList(items: string[], conjunction = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** Names for error messages, cut to `limit` so a large schema does not flood the message. */
export function nameList(names: string[], limit = 25): string {
  if (names.length <= limit) return names.join(', ');
  return `${names.slice(0, limit).join(', ')}, … (${names.length - limit} more)`;
}
