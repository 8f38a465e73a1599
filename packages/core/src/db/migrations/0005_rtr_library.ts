import type { Kysely } from 'kysely';
import type { MigrationContext } from './context.ts';

/** The RTR library: put-files, custom scripts (+ their platforms) and the built-in scripts' index. */
export function rtrLibrary(_ctx: MigrationContext) {
  return {
    async up(db: Kysely<any>) {
      // Columns shared by put-files and scripts (the vendor's entry fields).
      const entry = (name: string) =>
        db.schema
          .createTable(name)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          // Lowercased name: `put x.exe` must not be ambiguous on case-insensitive hosts.
          .addColumn('name_key', 'text', (c) => c.notNull().unique())
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('comments_for_audit_log', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_by_uuid', 'text', (c) => c.notNull())
          .addColumn('created_timestamp', 'text', (c) => c.notNull())
          .addColumn('modified_by', 'text', (c) => c.notNull())
          .addColumn('modified_by_uuid', 'text', (c) => c.notNull())
          .addColumn('modified_timestamp', 'text', (c) => c.notNull());

      await entry('rtr_put_files').addColumn('file_type', 'text', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.createIndex('rtr_put_files_created').on('rtr_put_files').columns(['created_timestamp', 'id']).execute();

      await entry('rtr_scripts')
        .addColumn('permission_type', 'text', (c) => c.notNull())
        .addColumn('share_with_workflow', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('workflow_is_disruptive', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('workflow_input_schema', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('workflow_output_schema', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('run_attempt_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('run_success_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('rtr_scripts_created').on('rtr_scripts').columns(['created_timestamp', 'id']).execute();
      // Visibility is decided on every list: private scripts by owner.
      await db.schema.createIndex('rtr_scripts_owner').on('rtr_scripts').columns(['created_by_uuid', 'permission_type']).execute();

      // A side table so that FQL `platform:'linux'` matches any of a script's platforms.
      await db.schema
        .createTable('rtr_script_platforms')
        .addColumn('script_id', 'text', (c) => c.notNull().references('rtr_scripts.id').onDelete('cascade'))
        .addColumn('platform', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rtr_script_platforms_pk', ['script_id', 'platform'])
        .execute();

      // Built-in scripts ship with the code; this index only serves FQL list queries and is
      // rewritten from the code at start-up.
      await db.schema
        .createTable('rtr_falcon_scripts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('platform', 'text', (c) => c.notNull())
        .addColumn('use_case', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('is_disruptive', 'integer', (c) => c.notNull())
        .addColumn('modifies_system', 'integer', (c) => c.notNull())
        .addColumn('created_timestamp', 'text', (c) => c.notNull())
        .addColumn('modified_timestamp', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('rtr_falcon_scripts').execute();
      await db.schema.dropTable('rtr_script_platforms').execute();
      await db.schema.dropTable('rtr_scripts').execute();
      await db.schema.dropTable('rtr_put_files').execute();
    },
  };
}
