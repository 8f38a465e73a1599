import type { Kysely } from 'kysely';

/**
 * One row per batch command (a fan-out), holding the line every host of it got. A host's part of
 * a fan-out is its internal command (commands.batch_id = the fan-out's id), so a batch command to
 * 10,000 hosts writes its line once, not in 10,000 log rows; rtr_commands keeps the
 * commands of single sessions, those the server answered, and chained ones (put-and-run).
 */
export function rtrFanouts() {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rtr_fanouts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('base_command', 'text', (c) => c.notNull())
        .addColumn('command_string', 'text', (c) => c.notNull())
        .addColumn('tier', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('rtr_fanouts').execute();
    },
  };
}
