/**
 * Whether a database error is a unique-constraint violation: two concurrent creates of one name
 * both pass the in-transaction check, and the index decides (SQLite and PostgreSQL say so differently).
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown } | undefined;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
