import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/** Blobs known to the store, and the token-authorised file movements between agents and it. */
export function transfers(_ctx: MigrationContext) {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('blobs')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('transfers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('command_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('max_size', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('received', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text')
        .execute();
      // Every agent request is authorised by looking its token's digest up.
      await db.schema.createIndex('transfers_token_hash').on('transfers').column('token_hash').unique().execute();
      // Commands list their transfers (a get's result names the blob it produced).
      await db.schema.createIndex('transfers_command').on('transfers').columns(['command_id', 'created_at']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('transfers').execute();
      await db.schema.dropTable('blobs').execute();
    },
  };
}
