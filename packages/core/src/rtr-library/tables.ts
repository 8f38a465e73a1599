/** Row types of the RTR library tables (migration 0005); listed in `Database` (db/schema.ts). */

export interface EntryRow {
  id: string;
  name: string;
  /** Lowercased name; unique. */
  name_key: string;
  description: string;
  comments_for_audit_log: string;
  sha256: string;
  size: number;
  created_by: string;
  /** API client id of the creator (owner). */
  created_by_uuid: string;
  created_timestamp: string;
  modified_by: string;
  modified_by_uuid: string;
  modified_timestamp: string;
}

export interface RtrPutFilesTable extends EntryRow {
  file_type: string;
}

export interface RtrScriptsTable extends EntryRow {
  /** private | group | public */
  permission_type: string;
  share_with_workflow: number;
  workflow_is_disruptive: number;
  workflow_input_schema: string;
  workflow_output_schema: string;
  run_attempt_count: number;
  run_success_count: number;
}

export interface RtrScriptPlatformsTable {
  script_id: string;
  /** windows | linux | mac */
  platform: string;
}

/** Index of the built-in scripts for FQL list queries; rewritten from code at start-up. */
export interface RtrFalconScriptsTable {
  id: string;
  name: string;
  description: string;
  platform: string;
  use_case: string;
  sha256: string;
  size: number;
  is_disruptive: number;
  modifies_system: number;
  created_timestamp: string;
  modified_timestamp: string;
}

export interface RtrLibraryTables {
  rtr_put_files: RtrPutFilesTable;
  rtr_scripts: RtrScriptsTable;
  rtr_script_platforms: RtrScriptPlatformsTable;
  rtr_falcon_scripts: RtrFalconScriptsTable;
}
