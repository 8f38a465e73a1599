import type { Kysely } from 'kysely';

/**
 * Where a Windows host sits in Active Directory, as its agent reads it: organizational units (a
 * JSON array of names, innermost first) and site. '' where the agent reports none.
 */
export function hostDirectory() {
  return {
    async up(db: Kysely<any>) {
      for (const c of ['ou', 'site_name']) await db.schema.alterTable('hosts').addColumn(c, 'text', (col) => col.notNull().defaultTo('')).execute();
    },
    async down(db: Kysely<any>) {
      for (const c of ['ou', 'site_name']) await db.schema.alterTable('hosts').dropColumn(c).execute();
    },
  };
}
