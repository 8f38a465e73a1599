import type { Kysely } from 'kysely';

/**
 * A session's directory follows its latest completed `cd` (RtrSessions.settlePwd), looked up
 * before every command. With (session_id, created_at) that lookup visited every command the
 * session ever ran — a batch session grows by one per batch command on each of its hosts — so
 * the index now leads with the command name as well; listing a session's commands still uses it.
 */
export function commandLookups() {
  return {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('commands_session_name').on('commands').columns(['session_id', 'name', 'created_at']).execute();
      await db.schema.dropIndex('commands_session').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.createIndex('commands_session').on('commands').columns(['session_id', 'created_at']).execute();
      await db.schema.dropIndex('commands_session_name').execute();
    },
  };
}
