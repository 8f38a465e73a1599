import type { FalconScript, PutFile, Script } from '@riposte/core';

/**
 * Library entries in the vendor's shapes (empowerapi RemoteCommandPutFileV1/V2, FalconScript).
 * The SDK models require run counts and size on every entry and the workflow flags on V2, so
 * put-files carry them too (zero / false).
 */

const workflowDefaults = { share_with_workflow: false, workflow_is_disruptive: false };

export function renderPutFile(f: PutFile, version: 1 | 2): Record<string, unknown> {
  return {
    id: f.id,
    name: f.name,
    description: f.description,
    comments_for_audit_log: f.comments_for_audit_log,
    file_type: f.file_type,
    sha256: f.sha256,
    size: f.size,
    run_attempt_count: 0,
    run_success_count: 0,
    created_by: f.created_by,
    created_by_uuid: f.created_by_uuid,
    created_timestamp: f.created_timestamp,
    modified_by: f.modified_by,
    modified_by_uuid: f.modified_by_uuid,
    modified_timestamp: f.modified_timestamp,
    ...(version === 2 ? workflowDefaults : {}),
  };
}

/** Everything a caller can see of a script it may also change (the library API is admin-only). */
export function renderScript(s: Script, version: 1 | 2): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    comments_for_audit_log: s.comments_for_audit_log,
    content: s.content,
    file_type: 'script',
    platform: s.platform,
    permission_type: s.permission_type,
    sha256: s.sha256,
    size: s.size,
    run_attempt_count: s.run_attempt_count,
    run_success_count: s.run_success_count,
    write_access: true,
    created_by: s.created_by,
    created_by_uuid: s.created_by_uuid,
    created_timestamp: s.created_timestamp,
    modified_by: s.modified_by,
    modified_by_uuid: s.modified_by_uuid,
    modified_timestamp: s.modified_timestamp,
    ...(version === 2
      ? {
          share_with_workflow: s.share_with_workflow,
          workflow_is_disruptive: s.workflow_is_disruptive,
          workflow_input_schema: s.workflow_input_schema,
          workflow_output_schema: s.workflow_output_schema,
        }
      : {}),
  };
}

/** The vendor model has one platform per Falcon script. */
export function renderFalconScript(s: FalconScript): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    content: s.content,
    platform: s.platform[0],
    sha256: s.sha256,
    size: s.size,
    use_case: s.use_case,
    categories: s.categories,
    access_roles: ['rtr_admin'],
    is_disruptive: s.is_disruptive,
    modifies_system: s.modifies_system,
    revision: s.revision,
    required_skus: [],
    workflow_enabled: false,
    workflow_input_schema: '',
    workflow_output_schema: '',
    workflow_tags: [],
    created_by: s.created_by,
    created_timestamp: s.created_timestamp,
    modified_by: s.modified_by,
    modified_timestamp: s.modified_timestamp,
  };
}
