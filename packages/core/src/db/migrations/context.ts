import type { Kysely } from 'kysely';

export type SqlDialect = 'sqlite' | 'postgres';

/** What a migration may need to know about the database it runs on. */
export interface MigrationContext {
  dialect: SqlDialect;
  /** Column type of an auto-incrementing integer key. */
  autoIdType: 'integer' | 'serial';
}

export interface NumberedMigration {
  up(db: Kysely<any>): Promise<void>;
  down(db: Kysely<any>): Promise<void>;
}
