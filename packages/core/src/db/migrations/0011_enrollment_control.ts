import type { Kysely } from 'kysely';

/**
 * Enrollment control: tokens that expire, run out after N uses and tag the hosts they enroll;
 * agent identities that can be revoked (the sweeper of every replica closes a revoked agent's
 * socket by looking for revocations newer than its last look).
 */
export function enrollmentControl() {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('enroll_tokens').addColumn('expires_at', 'text').execute();
      await db.schema.alterTable('enroll_tokens').addColumn('max_uses', 'integer').execute();
      await db.schema.alterTable('enroll_tokens').addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('enroll_tokens').addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')).execute();
      await db.schema.alterTable('enroll_tokens').addColumn('last_used_at', 'text').execute();
      await db.schema
        .createTable('agent_revocations')
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('revoked_at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('agent_revocations_revoked_at').on('agent_revocations').column('revoked_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('agent_revocations').execute();
      for (const c of ['last_used_at', 'tags', 'uses', 'max_uses', 'expires_at']) await db.schema.alterTable('enroll_tokens').dropColumn(c).execute();
    },
  };
}
