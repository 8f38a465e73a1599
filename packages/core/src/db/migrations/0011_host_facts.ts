import type { Kysely } from 'kysely';

/**
 * Hosts learn what their agents read from the OS: hardware (chassis, product type), last reboot,
 * the agent's own clock, first login; responders' detection suppression; containment outcome.
 * Logins carry their type, source address and success, and are recorded once each. Logins
 * recorded before this came from account lists, not from the OS's login records: they are
 * dropped, with the hosts' last-login fields, so that nothing invented is left as evidence.
 */
export function hostFacts() {
  const hostColumns = [
    'chassis_type', 'chassis_type_desc', 'product_type', 'last_reboot', 'agent_local_time', 'host_utc_offset',
    'first_login_user', 'first_login_timestamp', 'containment_failed',
  ] as const;
  return {
    async up(db: Kysely<any>) {
      for (const c of hostColumns) {
        await db.schema.alterTable('hosts').addColumn(c, 'text', (col) => col.notNull().defaultTo('')).execute();
      }
      await db.schema.alterTable('hosts').addColumn('detection_suppressed', 'integer', (col) => col.notNull().defaultTo(0)).execute();
      await db.deleteFrom('host_logins').execute();
      await db.updateTable('hosts').set({ last_login_user: '', last_login_timestamp: null }).execute();
      await db.schema.alterTable('host_logins').addColumn('login_type', 'text', (col) => col.notNull().defaultTo('')).execute();
      await db.schema.alterTable('host_logins').addColumn('remote_address', 'text', (col) => col.notNull().defaultTo('')).execute();
      await db.schema.alterTable('host_logins').addColumn('success', 'integer', (col) => col.notNull().defaultTo(1)).execute();
      await db.schema
        .createIndex('host_logins_once')
        .on('host_logins')
        .columns(['device_id', 'login_time', 'user_name', 'login_type', 'remote_address', 'success'])
        .unique()
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('host_logins_once').execute();
      for (const c of ['login_type', 'remote_address', 'success']) await db.schema.alterTable('host_logins').dropColumn(c).execute();
      for (const c of [...hostColumns, 'detection_suppressed']) await db.schema.alterTable('hosts').dropColumn(c).execute();
    },
  };
}
