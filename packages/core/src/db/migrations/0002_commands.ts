import type { Kysely } from 'kysely';

export function commands() {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('commands')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull().references('hosts.device_id').onDelete('cascade'))
        .addColumn('session_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('batch_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('args', 'text', (c) => c.notNull())
        .addColumn('cwd', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('queue_offline', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('issued_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('started_at', 'text')
        .addColumn('completed_at', 'text')
        .addColumn('result', 'text')
        .addColumn('result_cwd', 'text')
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .execute();
      // Pending work per device (dispatch on connect) and due expiries (sweeper).
      await db.schema.createIndex('commands_device_status').on('commands').columns(['device_id', 'status']).execute();
      await db.schema.createIndex('commands_status_expires').on('commands').columns(['status', 'expires_at']).execute();
      await db.schema.createIndex('commands_batch').on('commands').columns(['batch_id', 'device_id']).execute();
      await db.schema.createIndex('commands_session').on('commands').columns(['session_id', 'created_at']).execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_target').on('audit_events').columns(['target_type', 'target_id', 'timestamp']).execute();
      await db.schema.createIndex('audit_events_time').on('audit_events').columns(['timestamp']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('audit_events').execute();
      await db.schema.dropTable('commands').execute();
    },
  };
}
