import { sql, type Kysely } from 'kysely';

/**
 * Commands are looked up by status only while they are open: pending work per device (dispatch
 * on connect), due expiries (sweeper), queued work of a fan-out. Indexes over every command ever
 * run grew without end, and each command's end moved its entries in two of them. They now hold
 * open commands only (`completed_at is null`, which every end sets): a command's end just removes
 * its entries, and the indexes stay as small as the open work. The fan-out index keys on the
 * batch alone, so a fan-out's rows are appended in order instead of scattered by device.
 */
export function openCommandIndexes() {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('commands_open_device').on('commands').column('device_id').where(sql.ref('completed_at'), 'is', null).execute();
      await db.schema.createIndex('commands_open_expiry').on('commands').column('expires_at').where(sql.ref('completed_at'), 'is', null).execute();
      await db.schema.createIndex('commands_batch_rows').on('commands').column('batch_id').execute();
      await db.schema.dropIndex('commands_device_status').execute();
      await db.schema.dropIndex('commands_status_expires').execute();
      await db.schema.dropIndex('commands_batch').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.createIndex('commands_device_status').on('commands').columns(['device_id', 'status']).execute();
      await db.schema.createIndex('commands_status_expires').on('commands').columns(['status', 'expires_at']).execute();
      await db.schema.createIndex('commands_batch').on('commands').columns(['batch_id', 'device_id']).execute();
      await db.schema.dropIndex('commands_open_device').execute();
      await db.schema.dropIndex('commands_open_expiry').execute();
      await db.schema.dropIndex('commands_batch_rows').execute();
    },
  };
}
