import path from 'node:path';

export interface DataOptions {
  data: string;
  database?: string;
}

/** `--database URL` or RIPOSTE_DATABASE_URL; default SQLite in the data directory. */
export function databaseUrl(opts: DataOptions): string {
  return opts.database ?? process.env.RIPOSTE_DATABASE_URL ?? path.join(path.resolve(opts.data), 'riposte.db');
}

export const DEFAULT_DATA = process.env.RIPOSTE_DATA ?? './data';
