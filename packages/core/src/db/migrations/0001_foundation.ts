import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

export function foundation(ctx: MigrationContext) {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_clients')
        .addColumn('client_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull().references('api_clients.client_id').onDelete('cascade'))
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('api_tokens_client').on('api_tokens').column('client_id').execute();

      await db.schema
        .createTable('enroll_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      let hosts = db.schema
        .createTable('hosts')
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('cb_device_id', 'bigint', (c) => c.notNull().unique());
      for (const col of [
        'hostname', 'platform_name', 'os_version', 'os_product_name', 'os_build', 'kernel_version',
        'major_version', 'minor_version', 'product_type_desc', 'local_ip', 'external_ip', 'connection_ip',
        'mac_address', 'connection_mac_address', 'default_gateway_ip', 'machine_domain', 'agent_version',
        'system_manufacturer', 'system_product_name', 'serial_number', 'cpu_vendor', 'bios_manufacturer',
        'bios_version', 'pointer_size', 'last_login_user', 'agent_secret_hash',
      ]) {
        hosts = hosts.addColumn(col, 'text', (c) => c.notNull().defaultTo(''));
      }
      await hosts
        .addColumn('last_login_timestamp', 'text')
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('modified_timestamp', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('normal'))
        .addColumn('online', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Indexes for the FQL fields that responders filter and sort on most.
      for (const col of ['hostname', 'platform_name', 'last_seen', 'first_seen', 'local_ip', 'external_ip', 'os_version', 'agent_version', 'status', 'modified_timestamp']) {
        await db.schema.createIndex(`hosts_${col}`).on('hosts').columns([col, 'device_id']).execute();
      }
      await db.schema.createIndex('hosts_platform_hostname').on('hosts').columns(['platform_name', 'hostname']).execute();
      // Covering indexes for the fleet questions responders ask most ("Linux hosts seen this week",
      // "Windows hosts still on sensor version X"): the whole filter is answered from the index.
      await sql`create index hosts_platform_seen on hosts (lower(platform_name), last_seen, hidden, device_id)`.execute(db);
      await sql`create index hosts_version_platform_seen on hosts (lower(agent_version), lower(platform_name), last_seen, hidden, device_id)`.execute(db);
      // FQL string equality ignores case (`lower(col) = lower(?)`): expression indexes serve it.
      for (const col of ['hostname', 'platform_name', 'os_version', 'agent_version', 'local_ip', 'external_ip', 'mac_address', 'status', 'machine_domain', 'last_login_user']) {
        await sql`create index ${sql.id(`hosts_${col}_lower`)} on hosts (lower(${sql.ref(col)}), device_id)`.execute(db);
      }

      await db.schema
        .createTable('host_tags')
        .addColumn('device_id', 'text', (c) => c.notNull().references('hosts.device_id').onDelete('cascade'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('host_tags_pk', ['device_id', 'tag'])
        .execute();
      await db.schema.createIndex('host_tags_tag').on('host_tags').columns(['tag', 'device_id']).execute();

      await db.schema
        .createTable('host_logins')
        .addColumn('id', ctx.autoIdType, (c) => c.primaryKey().$call((b) => (ctx.dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('device_id', 'text', (c) => c.notNull().references('hosts.device_id').onDelete('cascade'))
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('login_time', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('host_logins_device').on('host_logins').columns(['device_id', 'login_time']).execute();

      await db.schema
        .createTable('host_address_history')
        .addColumn('id', ctx.autoIdType, (c) => c.primaryKey().$call((b) => (ctx.dialect === 'sqlite' ? b.autoIncrement() : b)))
        .addColumn('device_id', 'text', (c) => c.notNull().references('hosts.device_id').onDelete('cascade'))
        .addColumn('ip_address', 'text', (c) => c.notNull())
        .addColumn('mac_address', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('host_address_history_device').on('host_address_history').columns(['device_id', 'timestamp']).execute();

      await db.schema
        .createTable('host_groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('group_type', 'text', (c) => c.notNull())
        .addColumn('assignment_rule', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_timestamp', 'text', (c) => c.notNull())
        .addColumn('modified_by', 'text', (c) => c.notNull())
        .addColumn('modified_timestamp', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('host_group_members')
        .addColumn('group_id', 'text', (c) => c.notNull().references('host_groups.id').onDelete('cascade'))
        .addColumn('device_id', 'text', (c) => c.notNull().references('hosts.device_id').onDelete('cascade'))
        .addPrimaryKeyConstraint('host_group_members_pk', ['group_id', 'device_id'])
        .execute();
      await db.schema.createIndex('host_group_members_device').on('host_group_members').columns(['device_id', 'group_id']).execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['host_group_members', 'host_groups', 'host_address_history', 'host_logins', 'host_tags', 'hosts', 'enroll_tokens', 'api_tokens', 'api_clients', 'settings']) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}
