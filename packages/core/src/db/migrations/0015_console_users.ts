import type { Kysely } from 'kysely';

/**
 * People who sign in to the web console, and their server-side sessions. A session is found by
 * the sha256 of its cookie value (the cookie itself is never stored), carries its own CSRF token,
 * and ends when idle past its idle limit or at its absolute end.
 */
export function consoleUsers() {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('console_users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('console_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('console_users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('console_sessions_user').on('console_sessions').column('user_id').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('console_sessions').execute();
      await db.schema.dropTable('console_users').execute();
    },
  };
}
