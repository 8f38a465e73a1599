import type { Migration } from 'kysely';
import type { MigrationContext } from './context.ts';
import { foundation } from './0001_foundation.ts';

/** Numbered migrations, applied in name order. Append; never edit one that has shipped. */
export function migrations(ctx: MigrationContext): Record<string, Migration> {
  return {
    '0001_foundation': foundation(ctx),
  };
}
