import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/**
 * Live-response sessions (Falcon RTR): batches, sessions, the command log that maps each
 * cloud_request_id to an internal command (or to output the server answered itself), and files
 * retrieved with `get`.
 */
export function rtr(ctx: MigrationContext) {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('rtr_batches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('queue_offline', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('rtr_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull().references('hosts.device_id').onDelete('cascade'))
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('batch_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('queue_offline', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('offline_queued', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('hostname', 'text', (c) => c.notNull())
        .addColumn('pwd', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .execute();
      // A client's own sessions (listing), sessions on a host (existing_aid_sessions), a batch's sessions.
      await db.schema.createIndex('rtr_sessions_client').on('rtr_sessions').columns(['client_id', 'created_at']).execute();
      await db.schema.createIndex('rtr_sessions_device').on('rtr_sessions').columns(['device_id', 'expires_at']).execute();
      await db.schema.createIndex('rtr_sessions_batch').on('rtr_sessions').columns(['batch_id', 'device_id']).execute();
      await db.schema.createIndex('rtr_sessions_created').on('rtr_sessions').columns(['created_at']).execute();

      await db.schema
        .createTable('rtr_commands')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('command_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('base_command', 'text', (c) => c.notNull())
        .addColumn('command_string', 'text', (c) => c.notNull())
        .addColumn('tier', 'text', (c) => c.notNull())
        .addColumn('current_directory', 'text', (c) => c.notNull())
        .addColumn('batch_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('fanout_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('stdout', 'text')
        .addColumn('stderr', 'text')
        .addColumn('chain', 'text')
        .addColumn('chain_command_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rtr_commands_session').on('rtr_commands').columns(['session_id', 'created_at']).execute();
      await db.schema.createIndex('rtr_commands_fanout').on('rtr_commands').columns(['fanout_id']).execute();
      // Completions arrive by internal command id (put-and-run chains advance on them).
      await db.schema.createIndex('rtr_commands_command').on('rtr_commands').columns(['command_id']).execute();

      await db.schema
        .createTable('rtr_files')
        .addColumn('id', ctx.autoIdType, (c) => c.primaryKey().$call((b) => (ctx.dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('cloud_request_id', 'text', (c) => c.notNull())
        .addColumn('command_id', 'text', (c) => c.notNull())
        .addColumn('fanout_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_message', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .execute();
      await db.schema.createIndex('rtr_files_session').on('rtr_files').columns(['session_id', 'sha256']).execute();
      await db.schema.createIndex('rtr_files_fanout').on('rtr_files').columns(['fanout_id']).execute();
      await db.schema.createIndex('rtr_files_pending').on('rtr_files').columns(['status', 'command_id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('rtr_files').execute();
      await db.schema.dropTable('rtr_commands').execute();
      await db.schema.dropTable('rtr_sessions').execute();
      await db.schema.dropTable('rtr_batches').execute();
    },
  };
}
