import { sql, type Kysely } from 'kysely';

/**
 * Open commands in id order. Ids are time-ordered, so this is also the order they were made in:
 * the sweeper's look for queued commands whose notice was missed reads only the open commands made
 * since its previous look. Through the primary key it read every command of that time, ended ones
 * included: 14 ms per look (once a second) after four 10,000-host fan-outs, against 0.2 ms.
 */
export function openCommandsById() {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('commands_open_made').on('commands').column('id').where(sql.ref('completed_at'), 'is', null).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('commands_open_made').execute();
    },
  };
}
