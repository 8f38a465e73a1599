import type { FqlField, FqlSchema } from '../fql/index.ts';

const exact: FqlField = { type: 'string', caseInsensitive: false };

/** Properties shared by put-files and scripts; `created_at`/`modified_at` alias the timestamps (the vendor's sort example uses `created_at`). */
const entryFields: Record<string, FqlField> = {
  id: exact,
  name: { type: 'string' },
  description: { type: 'string' },
  comments_for_audit_log: { type: 'string' },
  sha256: exact,
  size: { type: 'number' },
  created_by: { type: 'string' },
  created_by_uuid: exact,
  created_timestamp: { type: 'date' },
  created_at: { type: 'date', column: 'created_timestamp' },
  modified_by: { type: 'string' },
  modified_by_uuid: exact,
  modified_timestamp: { type: 'date' },
  modified_at: { type: 'date', column: 'modified_timestamp' },
};

export const putFileFqlSchema: FqlSchema = {
  table: 'rtr_put_files',
  key: 'id',
  fields: { ...entryFields, file_type: { type: 'string' } },
};

export const scriptFqlSchema: FqlSchema = {
  table: 'rtr_scripts',
  key: 'id',
  fields: {
    ...entryFields,
    permission_type: { type: 'string' },
    platform: { type: 'string', many: { table: 'rtr_script_platforms', ownerColumn: 'script_id', valueColumn: 'platform' } },
    share_with_workflow: { type: 'boolean' },
    workflow_is_disruptive: { type: 'boolean' },
    run_attempt_count: { type: 'number' },
    run_success_count: { type: 'number' },
  },
};

export const falconScriptFqlSchema: FqlSchema = {
  table: 'rtr_falcon_scripts',
  key: 'id',
  fields: {
    id: exact,
    name: { type: 'string' },
    description: { type: 'string' },
    platform: { type: 'string' },
    use_case: { type: 'string' },
    sha256: exact,
    size: { type: 'number' },
    is_disruptive: { type: 'boolean' },
    modifies_system: { type: 'boolean' },
    created_timestamp: { type: 'date' },
    modified_timestamp: { type: 'date' },
  },
};
