import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/** The Carbon Black Live Response dialect: API keys, shared device sessions, their commands and files, disabled devices. */
export function carbonBlack(ctx: MigrationContext) {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('cb_api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('grants', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('cb_sessions')
        .addColumn('id', ctx.autoIdType, (c) => c.primaryKey().$call((b) => (ctx.dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('device_id', 'text', (c) => c.notNull().references('hosts.device_id').onDelete('cascade'))
        .addColumn('rtr_session_id', 'text', (c) => c.notNull())
        .addColumn('probe_command_id', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .execute();
      await db.schema.createIndex('cb_sessions_device').on('cb_sessions').columns(['device_id', 'closed_at']).execute();
      // One open session per device: two callers starting at once end up sharing one.
      await db.schema.createIndex('cb_sessions_one_open').on('cb_sessions').column('device_id').unique().where(sql.ref('closed_at'), 'is', null).execute();
      await db.schema
        .createTable('cb_commands')
        .addColumn('session_id', 'integer', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('command_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('input', 'text', (c) => c.notNull())
        .addColumn('api_key_id', 'text', (c) => c.notNull())
        .addColumn('file_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cb_commands_pk', ['session_id', 'seq'])
        .execute();
      await db.schema
        .createTable('cb_files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('command_id', 'text', (c) => c.notNull())
        .addColumn('range_offset', 'bigint', (c) => c.notNull())
        .addColumn('range_count', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .execute();
      await db.schema.createIndex('cb_files_session').on('cb_files').column('session_id').execute();
      await db.schema
        .createTable('cb_disabled_devices')
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('disabled_at', 'text', (c) => c.notNull())
        .addColumn('disabled_by', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['cb_disabled_devices', 'cb_files', 'cb_commands', 'cb_sessions', 'cb_api_keys']) await db.schema.dropTable(t).execute();
    },
  };
}
