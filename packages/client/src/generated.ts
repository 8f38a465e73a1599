// Generated from the operation registry (packages/spec) by `node --import tsx packages/client/scripts/generate.ts`.
// Do not edit: a test fails when this file and the registry disagree.
import type { CallOptions, Envelope, OperationSpec } from './types.ts';

/** Method, path and shape of every operation, by operationId. */
export const OPERATIONS = {
  oauth2AccessToken: {"method":"POST","path":"/oauth2/token","scope":null,"bare":true},
  oauth2RevokeToken: {"method":"POST","path":"/oauth2/revoke","scope":null,"bare":true},
  QueryDevicesByFilter: {"method":"GET","path":"/devices/queries/devices/v1","scope":"devices:read"},
  QueryDevicesByFilterScroll: {"method":"GET","path":"/devices/queries/devices-scroll/v1","scope":"devices:read"},
  QueryHiddenDevices: {"method":"GET","path":"/devices/queries/devices-hidden/v1","scope":"devices:read"},
  CombinedHiddenDevicesByFilter: {"method":"GET","path":"/devices/combined/devices-hidden/v1","scope":"devices:read","arrayQuery":["fields"]},
  CombinedDevicesByFilter: {"method":"GET","path":"/devices/combined/devices/v1","scope":"devices:read","arrayQuery":["fields"]},
  GetDeviceDetailsV1: {"method":"GET","path":"/devices/entities/devices/v1","scope":"devices:read","arrayQuery":["ids"]},
  GetDeviceDetailsV2: {"method":"GET","path":"/devices/entities/devices/v2","scope":"devices:read","arrayQuery":["ids"]},
  PostDeviceDetailsV2: {"method":"POST","path":"/devices/entities/devices/v2","scope":"devices:read"},
  GetOnlineState_V1: {"method":"GET","path":"/devices/entities/online-state/v1","scope":"devices:read","arrayQuery":["ids"]},
  UpdateDeviceTags: {"method":"PATCH","path":"/devices/entities/devices/tags/v1","scope":"devices:write"},
  PerformActionV2: {"method":"POST","path":"/devices/entities/devices-actions/v2","scope":"devices:write"},
  DevicesActionsDeleteV1: {"method":"POST","path":"/devices/entities/devices-actions-delete/v1","scope":"delete-managed-assets:write"},
  QueryDeviceLoginHistory: {"method":"POST","path":"/devices/combined/devices/login-history/v1","scope":"devices:read"},
  QueryDeviceLoginHistoryV2: {"method":"POST","path":"/devices/combined/devices/login-history/v2","scope":"devices:read"},
  QueryGetNetworkAddressHistoryV1: {"method":"POST","path":"/devices/combined/devices/network-address-history/v1","scope":"devices:read"},
  riposte_GetContainmentAllowList: {"method":"GET","path":"/riposte/entities/containment-allow-list/v1","scope":"devices:read"},
  riposte_SetContainmentAllowList: {"method":"PUT","path":"/riposte/entities/containment-allow-list/v1","scope":"devices:write"},
  createHostGroups: {"method":"POST","path":"/devices/entities/host-groups/v1","scope":"host-group:write"},
  updateHostGroups: {"method":"PATCH","path":"/devices/entities/host-groups/v1","scope":"host-group:write"},
  deleteHostGroups: {"method":"DELETE","path":"/devices/entities/host-groups/v1","scope":"host-group:write","arrayQuery":["ids"]},
  getHostGroups: {"method":"GET","path":"/devices/entities/host-groups/v1","scope":"host-group:read","arrayQuery":["ids"]},
  queryHostGroups: {"method":"GET","path":"/devices/queries/host-groups/v1","scope":"host-group:read"},
  queryCombinedHostGroups: {"method":"GET","path":"/devices/combined/host-groups/v1","scope":"host-group:read"},
  queryGroupMembers: {"method":"GET","path":"/devices/queries/host-group-members/v1","scope":"host-group:read"},
  queryCombinedGroupMembers: {"method":"GET","path":"/devices/combined/host-group-members/v1","scope":"host-group:read"},
  performGroupAction: {"method":"POST","path":"/devices/entities/host-group-actions/v1","scope":"host-group:write"},
  entities_perform_action: {"method":"POST","path":"/devices/entities/group-actions/v1","scope":"host-group:write","arrayQuery":["ids"]},
  queryCombinedRTResponsePolicyMembers: {"method":"GET","path":"/policy/combined/response-members/v1","scope":"response-policies:read"},
  queryCombinedRTResponsePolicies: {"method":"GET","path":"/policy/combined/response/v1","scope":"response-policies:read"},
  performRTResponsePoliciesAction: {"method":"POST","path":"/policy/entities/response-actions/v1","scope":"response-policies:write"},
  setRTResponsePoliciesPrecedence: {"method":"POST","path":"/policy/entities/response-precedence/v1","scope":"response-policies:write"},
  getRTResponsePolicies: {"method":"GET","path":"/policy/entities/response/v1","scope":"response-policies:read","arrayQuery":["ids"]},
  createRTResponsePolicies: {"method":"POST","path":"/policy/entities/response/v1","scope":"response-policies:write"},
  deleteRTResponsePolicies: {"method":"DELETE","path":"/policy/entities/response/v1","scope":"response-policies:write","arrayQuery":["ids"]},
  updateRTResponsePolicies: {"method":"PATCH","path":"/policy/entities/response/v1","scope":"response-policies:write"},
  queryRTResponsePolicyMembers: {"method":"GET","path":"/policy/queries/response-members/v1","scope":"response-policies:read"},
  queryRTResponsePolicies: {"method":"GET","path":"/policy/queries/response/v1","scope":"response-policies:read"},
  RTR_CreatePut_Files: {"method":"POST","path":"/real-time-response/entities/put-files/v1","scope":"real-time-response-admin:write","files":["file"]},
  RTR_CreatePut_FilesV2: {"method":"POST","path":"/real-time-response/entities/put-files/v2","scope":"real-time-response-admin:write","files":["file"]},
  RTR_GetPut_Files: {"method":"GET","path":"/real-time-response/entities/put-files/v1","scope":"real-time-response-admin:write","arrayQuery":["ids"]},
  RTR_GetPut_FilesV2: {"method":"GET","path":"/real-time-response/entities/put-files/v2","scope":"real-time-response-admin:write","arrayQuery":["ids"]},
  RTR_DeletePut_Files: {"method":"DELETE","path":"/real-time-response/entities/put-files/v1","scope":"real-time-response-admin:write","arrayQuery":["ids"]},
  RTR_ListPut_Files: {"method":"GET","path":"/real-time-response/queries/put-files/v1","scope":"real-time-response-admin:write"},
  RTR_GetPutFileContents: {"method":"GET","path":"/real-time-response/entities/put-file-contents/v1","scope":"real-time-response-admin:write","produces":"application/octet-stream"},
  RTR_CreateScripts: {"method":"POST","path":"/real-time-response/entities/scripts/v1","scope":"real-time-response-admin:write","files":["file"]},
  RTR_CreateScriptsV2: {"method":"POST","path":"/real-time-response/entities/scripts/v2","scope":"real-time-response-admin:write","files":["file"]},
  RTR_GetScripts: {"method":"GET","path":"/real-time-response/entities/scripts/v1","scope":"real-time-response-admin:write","arrayQuery":["ids"]},
  RTR_GetScriptsV2: {"method":"GET","path":"/real-time-response/entities/scripts/v2","scope":"real-time-response-admin:write","arrayQuery":["ids"]},
  RTR_UpdateScripts: {"method":"PATCH","path":"/real-time-response/entities/scripts/v1","scope":"real-time-response-admin:write","files":["file"]},
  RTR_UpdateScriptsV2: {"method":"PATCH","path":"/real-time-response/entities/scripts/v2","scope":"real-time-response-admin:write","files":["file"]},
  RTR_DeleteScripts: {"method":"DELETE","path":"/real-time-response/entities/scripts/v1","scope":"real-time-response-admin:write","arrayQuery":["ids"]},
  RTR_ListScripts: {"method":"GET","path":"/real-time-response/queries/scripts/v1","scope":"real-time-response-admin:write"},
  RTR_ListFalconScripts: {"method":"GET","path":"/real-time-response/queries/falcon-scripts/v1","scope":"real-time-response-admin:write"},
  RTR_GetFalconScripts: {"method":"GET","path":"/real-time-response/entities/falcon-scripts/v1","scope":"real-time-response-admin:write","arrayQuery":["ids"]},
  RTR_InitSession: {"method":"POST","path":"/real-time-response/entities/sessions/v1","scope":"real-time-response:read"},
  RTR_PulseSession: {"method":"POST","path":"/real-time-response/entities/refresh-session/v1","scope":"real-time-response:read"},
  RTR_DeleteSession: {"method":"DELETE","path":"/real-time-response/entities/sessions/v1","scope":"real-time-response:read"},
  RTR_ListAllSessions: {"method":"GET","path":"/real-time-response/queries/sessions/v1","scope":"real-time-response:read"},
  RTR_AggregateSessions: {"method":"POST","path":"/real-time-response/aggregates/sessions/GET/v1","scope":"real-time-response:read"},
  RTR_ListSessions: {"method":"POST","path":"/real-time-response/entities/sessions/GET/v1","scope":"real-time-response:read"},
  RTR_ListQueuedSessions: {"method":"POST","path":"/real-time-response/entities/queued-sessions/GET/v1","scope":"real-time-response:read"},
  RTR_DeleteQueuedSession: {"method":"DELETE","path":"/real-time-response/entities/queued-sessions/command/v1","scope":"real-time-response:read"},
  RTR_CancelCommand: {"method":"DELETE","path":"/real-time-response/entities/command/v1","scope":"real-time-response:read"},
  RTR_ExecuteCommand: {"method":"POST","path":"/real-time-response/entities/command/v1","scope":"real-time-response:read"},
  RTR_CheckCommandStatus: {"method":"GET","path":"/real-time-response/entities/command/v1","scope":"real-time-response:read"},
  RTR_ExecuteActiveResponderCommand: {"method":"POST","path":"/real-time-response/entities/active-responder-command/v1","scope":"real-time-response:write"},
  RTR_CheckActiveResponderCommandStatus: {"method":"GET","path":"/real-time-response/entities/active-responder-command/v1","scope":"real-time-response:write"},
  RTR_ExecuteAdminCommand: {"method":"POST","path":"/real-time-response/entities/admin-command/v1","scope":"real-time-response-admin:write"},
  RTR_CheckAdminCommandStatus: {"method":"GET","path":"/real-time-response/entities/admin-command/v1","scope":"real-time-response-admin:write"},
  RTR_ListFiles: {"method":"GET","path":"/real-time-response/entities/file/v1","scope":"real-time-response:write"},
  RTR_ListFilesV2: {"method":"GET","path":"/real-time-response/entities/file/v2","scope":"real-time-response:write"},
  RTR_DeleteFile: {"method":"DELETE","path":"/real-time-response/entities/file/v1","scope":"real-time-response:write"},
  RTR_DeleteFileV2: {"method":"DELETE","path":"/real-time-response/entities/file/v2","scope":"real-time-response:write"},
  RTR_GetExtractedFileContents: {"method":"GET","path":"/real-time-response/entities/extracted-file-contents/v1","scope":"real-time-response:write","produces":"application/x-7z-compressed"},
  BatchInitSessions: {"method":"POST","path":"/real-time-response/combined/batch-init-session/v1","scope":"real-time-response:read"},
  BatchRefreshSessions: {"method":"POST","path":"/real-time-response/combined/batch-refresh-session/v1","scope":"real-time-response:read"},
  BatchCmd: {"method":"POST","path":"/real-time-response/combined/batch-command/v1","scope":"real-time-response:read"},
  BatchActiveResponderCmd: {"method":"POST","path":"/real-time-response/combined/batch-active-responder-command/v1","scope":"real-time-response:write"},
  BatchAdminCmd: {"method":"POST","path":"/real-time-response/combined/batch-admin-command/v1","scope":"real-time-response-admin:write"},
  BatchGetCmd: {"method":"POST","path":"/real-time-response/combined/batch-get-command/v1","scope":"real-time-response:write"},
  BatchGetCmdStatus: {"method":"GET","path":"/real-time-response/combined/batch-get-command/v1","scope":"real-time-response:write"},
  RTRAuditSessions: {"method":"GET","path":"/real-time-response-audit/combined/sessions/v1","scope":"real-time-response-audit:read"},
  GetSensorAggregates: {"method":"POST","path":"/identity-protection/aggregates/devices/GET/v1","scope":"identity-entities:read"},
  GetSensorDetails: {"method":"POST","path":"/identity-protection/entities/devices/GET/v1","scope":"identity-entities:read"},
  QuerySensorsByFilter: {"method":"GET","path":"/identity-protection/queries/devices/v1","scope":"identity-entities:read"},
  get_policy_rules: {"method":"GET","path":"/identity-protection/entities/policy-rules/v1","scope":"identity-policy-rules:read","arrayQuery":["ids"]},
  post_policy_rules: {"method":"POST","path":"/identity-protection/entities/policy-rules/v1","scope":"identity-policy-rules:write"},
  delete_policy_rules: {"method":"DELETE","path":"/identity-protection/entities/policy-rules/v1","scope":"identity-policy-rules:write","arrayQuery":["ids"]},
  get_policy_rules_query: {"method":"GET","path":"/identity-protection/queries/policy-rules/v1","scope":"identity-policy-rules:read"},
  Health: {"method":"GET","path":"/health","scope":null,"raw":true},
  OpenApi: {"method":"GET","path":"/openapi.json","scope":null,"raw":true},
} satisfies Record<string, OperationSpec>;

export type OperationId = keyof typeof OPERATIONS;

/** Input of oauth2AccessToken. */
export interface oauth2AccessTokenInput {
  form?: {
    client_id?: string;
    client_secret?: string;
    member_cid?: string;
    grant_type?: "client_credentials";
    scope?: string;
  };
}
/** One resource of oauth2AccessToken's answer. */
export type oauth2AccessTokenResource = {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
};

/** Input of oauth2RevokeToken. */
export interface oauth2RevokeTokenInput {
  form: {
    token: string;
    client_id?: string;
  };
}
/** One resource of oauth2RevokeToken's answer. */
export type oauth2RevokeTokenResource = unknown;

/** Input of QueryDevicesByFilter. */
export interface QueryDevicesByFilterInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of QueryDevicesByFilter's answer. */
export type QueryDevicesByFilterResource = string;

/** Input of QueryDevicesByFilterScroll. */
export interface QueryDevicesByFilterScrollInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: string;
    limit?: number;
  };
}
/** One resource of QueryDevicesByFilterScroll's answer. */
export type QueryDevicesByFilterScrollResource = string;

/** Input of QueryHiddenDevices. */
export interface QueryHiddenDevicesInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of QueryHiddenDevices's answer. */
export type QueryHiddenDevicesResource = string;

/** Input of CombinedHiddenDevicesByFilter. */
export interface CombinedHiddenDevicesByFilterInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: string;
    limit?: number;
    fields?: string[];
  };
}
/** One resource of CombinedHiddenDevicesByFilter's answer. */
export type CombinedHiddenDevicesByFilterResource = {
  device_id: string;
  cid: string;
  hostname: string;
  platform_name: string;
  os_version: string;
  status: string;
  groups: string[];
  tags: string[];
  [key: string]: unknown;
};

/** Input of CombinedDevicesByFilter. */
export interface CombinedDevicesByFilterInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: string;
    limit?: number;
    fields?: string[];
  };
}
/** One resource of CombinedDevicesByFilter's answer. */
export type CombinedDevicesByFilterResource = {
  device_id: string;
  cid: string;
  hostname: string;
  platform_name: string;
  os_version: string;
  status: string;
  groups: string[];
  tags: string[];
  [key: string]: unknown;
};

/** Input of GetDeviceDetailsV1. */
export interface GetDeviceDetailsV1Input {
  query: {
    ids: string[];
  };
}
/** One resource of GetDeviceDetailsV1's answer. */
export type GetDeviceDetailsV1Resource = {
  device_id: string;
  cid: string;
  hostname: string;
  platform_name: string;
  os_version: string;
  status: string;
  groups: string[];
  tags: string[];
  [key: string]: unknown;
};

/** Input of GetDeviceDetailsV2. */
export interface GetDeviceDetailsV2Input {
  query: {
    ids: string[];
  };
}
/** One resource of GetDeviceDetailsV2's answer. */
export type GetDeviceDetailsV2Resource = {
  device_id: string;
  cid: string;
  hostname: string;
  platform_name: string;
  os_version: string;
  status: string;
  groups: string[];
  tags: string[];
  [key: string]: unknown;
};

/** Input of PostDeviceDetailsV2. */
export interface PostDeviceDetailsV2Input {
  body: {
    ids: string[];
  };
}
/** One resource of PostDeviceDetailsV2's answer. */
export type PostDeviceDetailsV2Resource = {
  device_id: string;
  cid: string;
  hostname: string;
  platform_name: string;
  os_version: string;
  status: string;
  groups: string[];
  tags: string[];
  [key: string]: unknown;
};

/** Input of GetOnlineState_V1. */
export interface GetOnlineState_V1Input {
  query: {
    ids: string[];
  };
}
/** One resource of GetOnlineState_V1's answer. */
export type GetOnlineState_V1Resource = {
  id: string;
  state: string;
};

/** Input of UpdateDeviceTags. */
export interface UpdateDeviceTagsInput {
  body: {
    action: "add" | "remove";
    device_ids: string[];
    tags: string[];
  };
}
/** One resource of UpdateDeviceTags's answer. */
export type UpdateDeviceTagsResource = {
  device_id: string;
  code: number;
  updated: boolean;
};

/** Input of PerformActionV2. */
export interface PerformActionV2Input {
  query: {
    action_name: "contain" | "lift_containment" | "hide_host" | "unhide_host" | "detection_suppress" | "detection_unsuppress";
  };
  body: {
    ids: string[];
    action_parameters?: Array<{
      name: string;
      value: string;
    }>;
  };
}
/** One resource of PerformActionV2's answer. */
export type PerformActionV2Resource = {
  id: string;
  path: string;
};

/** Input of DevicesActionsDeleteV1. */
export interface DevicesActionsDeleteV1Input {
  body: {
    ids?: string[];
    filter?: string;
    action_parameters?: Array<{
      name: string;
      value: string;
    }>;
  };
}
/** One resource of DevicesActionsDeleteV1's answer. */
export type DevicesActionsDeleteV1Resource = {
  id: string;
  path: string;
};

/** Input of QueryDeviceLoginHistory. */
export interface QueryDeviceLoginHistoryInput {
  body: {
    ids: string[];
  };
}
/** One resource of QueryDeviceLoginHistory's answer. */
export type QueryDeviceLoginHistoryResource = unknown;

/** Input of QueryDeviceLoginHistoryV2. */
export interface QueryDeviceLoginHistoryV2Input {
  query?: {
    from?: string;
    to?: string;
    limit?: number;
  };
  body: {
    ids: string[];
  };
}
/** One resource of QueryDeviceLoginHistoryV2's answer. */
export type QueryDeviceLoginHistoryV2Resource = unknown;

/** Input of QueryGetNetworkAddressHistoryV1. */
export interface QueryGetNetworkAddressHistoryV1Input {
  body: {
    ids: string[];
  };
}
/** One resource of QueryGetNetworkAddressHistoryV1's answer. */
export type QueryGetNetworkAddressHistoryV1Resource = unknown;

/** Input of riposte_GetContainmentAllowList. */
export interface riposte_GetContainmentAllowListInput {
}
/** One resource of riposte_GetContainmentAllowList's answer. */
export type riposte_GetContainmentAllowListResource = string;

/** Input of riposte_SetContainmentAllowList. */
export interface riposte_SetContainmentAllowListInput {
  body: {
    cidrs: string[];
  };
}
/** One resource of riposte_SetContainmentAllowList's answer. */
export type riposte_SetContainmentAllowListResource = string;

/** Input of createHostGroups. */
export interface createHostGroupsInput {
  body: {
    resources: Array<{
      name: string;
      group_type: "static" | "dynamic" | "staticByID";
      description?: string;
      assignment_rule?: string;
    }>;
  };
}
/** One resource of createHostGroups's answer. */
export type createHostGroupsResource = {
  id: string;
  name: string;
  description: string;
  group_type: "static" | "dynamic" | "staticByID";
  assignment_rule?: string;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of updateHostGroups. */
export interface updateHostGroupsInput {
  body: {
    resources: Array<{
      id: string;
      name?: string;
      description?: string;
      assignment_rule?: string | null;
    }>;
  };
}
/** One resource of updateHostGroups's answer. */
export type updateHostGroupsResource = {
  id: string;
  name: string;
  description: string;
  group_type: "static" | "dynamic" | "staticByID";
  assignment_rule?: string;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of deleteHostGroups. */
export interface deleteHostGroupsInput {
  query: {
    ids: string[];
  };
}
/** One resource of deleteHostGroups's answer. */
export type deleteHostGroupsResource = string;

/** Input of getHostGroups. */
export interface getHostGroupsInput {
  query: {
    ids: string[];
  };
}
/** One resource of getHostGroups's answer. */
export type getHostGroupsResource = {
  id: string;
  name: string;
  description: string;
  group_type: "static" | "dynamic" | "staticByID";
  assignment_rule?: string;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of queryHostGroups. */
export interface queryHostGroupsInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of queryHostGroups's answer. */
export type queryHostGroupsResource = string;

/** Input of queryCombinedHostGroups. */
export interface queryCombinedHostGroupsInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of queryCombinedHostGroups's answer. */
export type queryCombinedHostGroupsResource = {
  id: string;
  name: string;
  description: string;
  group_type: "static" | "dynamic" | "staticByID";
  assignment_rule?: string;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of queryGroupMembers. */
export interface queryGroupMembersInput {
  query?: {
    id?: string;
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of queryGroupMembers's answer. */
export type queryGroupMembersResource = string;

/** Input of queryCombinedGroupMembers. */
export interface queryCombinedGroupMembersInput {
  query?: {
    id?: string;
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of queryCombinedGroupMembers's answer. */
export type queryCombinedGroupMembersResource = {
  device_id: string;
  cid: string;
  hostname: string;
  platform_name: string;
  os_version: string;
  status: string;
  groups: string[];
  tags: string[];
  [key: string]: unknown;
};

/** Input of performGroupAction. */
export interface performGroupActionInput {
  query: {
    action_name: "add-hosts" | "remove-hosts";
    disable_hostname_check?: boolean;
  };
  body: {
    ids: string[];
    action_parameters: Array<{
      name: string;
      value: string;
    }>;
  };
}
/** One resource of performGroupAction's answer. */
export type performGroupActionResource = {
  id: string;
  name: string;
  description: string;
  group_type: "static" | "dynamic" | "staticByID";
  assignment_rule?: string;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of entities_perform_action. */
export interface entities_perform_actionInput {
  query: {
    action_name: "add_group_member" | "remove_group_member" | "remove_all";
    ids: string[];
    disable_hostname_check?: boolean;
  };
  body: {
    action_parameters?: Array<{
      name: string;
      value: string;
    }>;
  };
}
/** One resource of entities_perform_action's answer. */
export type entities_perform_actionResource = {
  id: string;
  name: string;
  description: string;
  group_type: "static" | "dynamic" | "staticByID";
  assignment_rule?: string;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of queryCombinedRTResponsePolicyMembers. */
export interface queryCombinedRTResponsePolicyMembersInput {
  query?: {
    id?: string;
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of queryCombinedRTResponsePolicyMembers's answer. */
export type queryCombinedRTResponsePolicyMembersResource = {
  device_id: string;
  cid: string;
  hostname: string;
  platform_name: string;
  os_version: string;
  status: string;
  groups: string[];
  tags: string[];
  [key: string]: unknown;
};

/** Input of queryCombinedRTResponsePolicies. */
export interface queryCombinedRTResponsePoliciesInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of queryCombinedRTResponsePolicies's answer. */
export type queryCombinedRTResponsePoliciesResource = {
  id: string;
  cid: string;
  name: string;
  description: string;
  platform_name: string;
  enabled: boolean;
  groups: Array<{
    id: string;
    name: string;
    description: string;
    group_type: "static" | "dynamic" | "staticByID";
    assignment_rule?: string;
    created_by: string;
    created_timestamp: string;
    modified_by: string;
    modified_timestamp: string;
  }>;
  settings: Array<{
    name: string;
    settings: Array<{
      id: string;
      name: string;
      type: "toggle";
      value: {
        enabled: boolean;
      };
      description: string;
    }>;
  }>;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of performRTResponsePoliciesAction. */
export interface performRTResponsePoliciesActionInput {
  query: {
    action_name: "add-host-group" | "add-rule-group" | "disable" | "enable" | "remove-host-group" | "remove-rule-group";
  };
  body: {
    ids: string[];
    action_parameters?: Array<{
      name: string;
      value: string;
    }>;
  };
}
/** One resource of performRTResponsePoliciesAction's answer. */
export type performRTResponsePoliciesActionResource = {
  id: string;
  cid: string;
  name: string;
  description: string;
  platform_name: string;
  enabled: boolean;
  groups: Array<{
    id: string;
    name: string;
    description: string;
    group_type: "static" | "dynamic" | "staticByID";
    assignment_rule?: string;
    created_by: string;
    created_timestamp: string;
    modified_by: string;
    modified_timestamp: string;
  }>;
  settings: Array<{
    name: string;
    settings: Array<{
      id: string;
      name: string;
      type: "toggle";
      value: {
        enabled: boolean;
      };
      description: string;
    }>;
  }>;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of setRTResponsePoliciesPrecedence. */
export interface setRTResponsePoliciesPrecedenceInput {
  body: {
    ids: string[] | string;
    platform_name: string;
  };
}
/** One resource of setRTResponsePoliciesPrecedence's answer. */
export type setRTResponsePoliciesPrecedenceResource = string;

/** Input of getRTResponsePolicies. */
export interface getRTResponsePoliciesInput {
  query: {
    ids: string[];
  };
}
/** One resource of getRTResponsePolicies's answer. */
export type getRTResponsePoliciesResource = {
  id: string;
  cid: string;
  name: string;
  description: string;
  platform_name: string;
  enabled: boolean;
  groups: Array<{
    id: string;
    name: string;
    description: string;
    group_type: "static" | "dynamic" | "staticByID";
    assignment_rule?: string;
    created_by: string;
    created_timestamp: string;
    modified_by: string;
    modified_timestamp: string;
  }>;
  settings: Array<{
    name: string;
    settings: Array<{
      id: string;
      name: string;
      type: "toggle";
      value: {
        enabled: boolean;
      };
      description: string;
    }>;
  }>;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of createRTResponsePolicies. */
export interface createRTResponsePoliciesInput {
  body: {
    resources: Array<{
      name: string;
      platform_name: string;
      description?: string;
      settings?: Array<{
        id: string;
        value: unknown;
      }>;
      clone_id?: string;
    }>;
  };
}
/** One resource of createRTResponsePolicies's answer. */
export type createRTResponsePoliciesResource = {
  id: string;
  cid: string;
  name: string;
  description: string;
  platform_name: string;
  enabled: boolean;
  groups: Array<{
    id: string;
    name: string;
    description: string;
    group_type: "static" | "dynamic" | "staticByID";
    assignment_rule?: string;
    created_by: string;
    created_timestamp: string;
    modified_by: string;
    modified_timestamp: string;
  }>;
  settings: Array<{
    name: string;
    settings: Array<{
      id: string;
      name: string;
      type: "toggle";
      value: {
        enabled: boolean;
      };
      description: string;
    }>;
  }>;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of deleteRTResponsePolicies. */
export interface deleteRTResponsePoliciesInput {
  query: {
    ids: string[];
  };
}
/** One resource of deleteRTResponsePolicies's answer. */
export type deleteRTResponsePoliciesResource = string;

/** Input of updateRTResponsePolicies. */
export interface updateRTResponsePoliciesInput {
  body: {
    resources: Array<{
      id: string;
      name?: string;
      description?: string;
      settings?: Array<{
        id: string;
        value: unknown;
      }>;
    }>;
  };
}
/** One resource of updateRTResponsePolicies's answer. */
export type updateRTResponsePoliciesResource = {
  id: string;
  cid: string;
  name: string;
  description: string;
  platform_name: string;
  enabled: boolean;
  groups: Array<{
    id: string;
    name: string;
    description: string;
    group_type: "static" | "dynamic" | "staticByID";
    assignment_rule?: string;
    created_by: string;
    created_timestamp: string;
    modified_by: string;
    modified_timestamp: string;
  }>;
  settings: Array<{
    name: string;
    settings: Array<{
      id: string;
      name: string;
      type: "toggle";
      value: {
        enabled: boolean;
      };
      description: string;
    }>;
  }>;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of queryRTResponsePolicyMembers. */
export interface queryRTResponsePolicyMembersInput {
  query?: {
    id?: string;
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of queryRTResponsePolicyMembers's answer. */
export type queryRTResponsePolicyMembersResource = string;

/** Input of queryRTResponsePolicies. */
export interface queryRTResponsePoliciesInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of queryRTResponsePolicies's answer. */
export type queryRTResponsePoliciesResource = string;

/** Input of RTR_CreatePut_Files. */
export interface RTR_CreatePut_FilesInput {
  form: {
    description: string;
    name?: string;
    comments_for_audit_log?: string;
  };
  files?: { file?: Blob };
}
/** One resource of RTR_CreatePut_Files's answer. */
export type RTR_CreatePut_FilesResource = unknown;

/** Input of RTR_CreatePut_FilesV2. */
export interface RTR_CreatePut_FilesV2Input {
  form: {
    description: string;
    name?: string;
    comments_for_audit_log?: string;
  };
  files?: { file?: Blob };
}
/** One resource of RTR_CreatePut_FilesV2's answer. */
export type RTR_CreatePut_FilesV2Resource = {
  id: string;
  name: string;
  description: string;
  comments_for_audit_log: string;
  sha256: string;
  size: number;
  created_by: string;
  created_by_uuid: string;
  created_timestamp: string;
  modified_by: string;
  modified_by_uuid: string;
  modified_timestamp: string;
  file_type: string;
};

/** Input of RTR_GetPut_Files. */
export interface RTR_GetPut_FilesInput {
  query: {
    ids: string[];
  };
}
/** One resource of RTR_GetPut_Files's answer. */
export type RTR_GetPut_FilesResource = {
  id: string;
  name: string;
  description: string;
  comments_for_audit_log: string;
  sha256: string;
  size: number;
  created_by: string;
  created_by_uuid: string;
  created_timestamp: string;
  modified_by: string;
  modified_by_uuid: string;
  modified_timestamp: string;
  file_type: string;
};

/** Input of RTR_GetPut_FilesV2. */
export interface RTR_GetPut_FilesV2Input {
  query: {
    ids: string[];
  };
}
/** One resource of RTR_GetPut_FilesV2's answer. */
export type RTR_GetPut_FilesV2Resource = {
  id: string;
  name: string;
  description: string;
  comments_for_audit_log: string;
  sha256: string;
  size: number;
  created_by: string;
  created_by_uuid: string;
  created_timestamp: string;
  modified_by: string;
  modified_by_uuid: string;
  modified_timestamp: string;
  file_type: string;
};

/** Input of RTR_DeletePut_Files. */
export interface RTR_DeletePut_FilesInput {
  query: {
    ids: string[];
  };
}
/** One resource of RTR_DeletePut_Files's answer. */
export type RTR_DeletePut_FilesResource = unknown;

/** Input of RTR_ListPut_Files. */
export interface RTR_ListPut_FilesInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of RTR_ListPut_Files's answer. */
export type RTR_ListPut_FilesResource = string;

/** Input of RTR_GetPutFileContents. */
export interface RTR_GetPutFileContentsInput {
  query: {
    id: string;
  };
}
/** One resource of RTR_GetPutFileContents's answer. */
export type RTR_GetPutFileContentsResource = unknown;

/** Input of RTR_CreateScripts. */
export interface RTR_CreateScriptsInput {
  form: {
    description: string;
    permission_type: "private" | "group" | "public";
    name?: string;
    comments_for_audit_log?: string;
    content?: string;
    platform?: Array<"windows" | "linux" | "mac">;
    share_with_workflow?: boolean;
    workflow_is_disruptive?: boolean;
    workflow_input_schema?: string;
    workflow_output_schema?: string;
  };
  files?: { file?: Blob };
}
/** One resource of RTR_CreateScripts's answer. */
export type RTR_CreateScriptsResource = unknown;

/** Input of RTR_CreateScriptsV2. */
export interface RTR_CreateScriptsV2Input {
  form: {
    description: string;
    permission_type: "private" | "group" | "public";
    name?: string;
    comments_for_audit_log?: string;
    content?: string;
    platform?: Array<"windows" | "linux" | "mac">;
    share_with_workflow?: boolean;
    workflow_is_disruptive?: boolean;
    workflow_input_schema?: string;
    workflow_output_schema?: string;
  };
  files?: { file?: Blob };
}
/** One resource of RTR_CreateScriptsV2's answer. */
export type RTR_CreateScriptsV2Resource = {
  id: string;
  name: string;
  description: string;
  comments_for_audit_log: string;
  sha256: string;
  size: number;
  created_by: string;
  created_by_uuid: string;
  created_timestamp: string;
  modified_by: string;
  modified_by_uuid: string;
  modified_timestamp: string;
  content: string;
  file_type: string;
  platform: string[];
  permission_type: string;
  run_attempt_count: number;
  run_success_count: number;
  share_with_workflow: boolean;
  workflow_is_disruptive: boolean;
  write_access: boolean;
};

/** Input of RTR_GetScripts. */
export interface RTR_GetScriptsInput {
  query: {
    ids: string[];
  };
}
/** One resource of RTR_GetScripts's answer. */
export type RTR_GetScriptsResource = {
  id: string;
  name: string;
  description: string;
  comments_for_audit_log: string;
  sha256: string;
  size: number;
  created_by: string;
  created_by_uuid: string;
  created_timestamp: string;
  modified_by: string;
  modified_by_uuid: string;
  modified_timestamp: string;
  content: string;
  file_type: string;
  platform: string[];
  permission_type: string;
  run_attempt_count: number;
  run_success_count: number;
  share_with_workflow: boolean;
  workflow_is_disruptive: boolean;
  write_access: boolean;
};

/** Input of RTR_GetScriptsV2. */
export interface RTR_GetScriptsV2Input {
  query: {
    ids: string[];
  };
}
/** One resource of RTR_GetScriptsV2's answer. */
export type RTR_GetScriptsV2Resource = {
  id: string;
  name: string;
  description: string;
  comments_for_audit_log: string;
  sha256: string;
  size: number;
  created_by: string;
  created_by_uuid: string;
  created_timestamp: string;
  modified_by: string;
  modified_by_uuid: string;
  modified_timestamp: string;
  content: string;
  file_type: string;
  platform: string[];
  permission_type: string;
  run_attempt_count: number;
  run_success_count: number;
  share_with_workflow: boolean;
  workflow_is_disruptive: boolean;
  write_access: boolean;
};

/** Input of RTR_UpdateScripts. */
export interface RTR_UpdateScriptsInput {
  form: {
    id: string;
    description?: string;
    permission_type?: "private" | "group" | "public";
    name?: string;
    comments_for_audit_log?: string;
    content?: string;
    platform?: Array<"windows" | "linux" | "mac">;
    share_with_workflow?: boolean;
    workflow_is_disruptive?: boolean;
    workflow_input_schema?: string;
    workflow_output_schema?: string;
  };
  files?: { file?: Blob };
}
/** One resource of RTR_UpdateScripts's answer. */
export type RTR_UpdateScriptsResource = unknown;

/** Input of RTR_UpdateScriptsV2. */
export interface RTR_UpdateScriptsV2Input {
  form: {
    id: string;
    description?: string;
    permission_type?: "private" | "group" | "public";
    name?: string;
    comments_for_audit_log?: string;
    content?: string;
    platform?: Array<"windows" | "linux" | "mac">;
    share_with_workflow?: boolean;
    workflow_is_disruptive?: boolean;
    workflow_input_schema?: string;
    workflow_output_schema?: string;
  };
  files?: { file?: Blob };
}
/** One resource of RTR_UpdateScriptsV2's answer. */
export type RTR_UpdateScriptsV2Resource = {
  id: string;
  name: string;
  description: string;
  comments_for_audit_log: string;
  sha256: string;
  size: number;
  created_by: string;
  created_by_uuid: string;
  created_timestamp: string;
  modified_by: string;
  modified_by_uuid: string;
  modified_timestamp: string;
  content: string;
  file_type: string;
  platform: string[];
  permission_type: string;
  run_attempt_count: number;
  run_success_count: number;
  share_with_workflow: boolean;
  workflow_is_disruptive: boolean;
  write_access: boolean;
};

/** Input of RTR_DeleteScripts. */
export interface RTR_DeleteScriptsInput {
  query: {
    ids: string[];
  };
}
/** One resource of RTR_DeleteScripts's answer. */
export type RTR_DeleteScriptsResource = unknown;

/** Input of RTR_ListScripts. */
export interface RTR_ListScriptsInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of RTR_ListScripts's answer. */
export type RTR_ListScriptsResource = string;

/** Input of RTR_ListFalconScripts. */
export interface RTR_ListFalconScriptsInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of RTR_ListFalconScripts's answer. */
export type RTR_ListFalconScriptsResource = string;

/** Input of RTR_GetFalconScripts. */
export interface RTR_GetFalconScriptsInput {
  query: {
    ids: string[];
  };
}
/** One resource of RTR_GetFalconScripts's answer. */
export type RTR_GetFalconScriptsResource = {
  id: string;
  name: string;
  description: string;
  content: string;
  platform: string;
  sha256: string;
  size: number;
  use_case: string;
  categories: string[];
  access_roles: string[];
  is_disruptive: boolean;
  modifies_system: boolean;
  revision: number;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
};

/** Input of RTR_InitSession. */
export interface RTR_InitSessionInput {
  query?: {
    timeout?: number;
    timeout_duration?: string;
  };
  body: {
    device_id: string;
    origin?: string;
    queue_offline?: boolean;
  };
}
/** One resource of RTR_InitSession's answer. */
export type RTR_InitSessionResource = {
  session_id: string;
  scripts: Array<{
    [key: string]: unknown;
  }>;
  created_at: string;
  pwd: string;
  offline_queued: boolean;
  existing_aid_sessions: number;
  previous_commands: string[];
  platform: string;
  device_id: string;
};

/** Input of RTR_PulseSession. */
export interface RTR_PulseSessionInput {
  body: {
    device_id: string;
    origin?: string;
    queue_offline?: boolean;
  };
}
/** One resource of RTR_PulseSession's answer. */
export type RTR_PulseSessionResource = {
  session_id: string;
  scripts: Array<{
    [key: string]: unknown;
  }>;
  created_at: string;
  pwd: string;
  offline_queued: boolean;
  existing_aid_sessions: number;
  previous_commands: string[];
  platform: string;
  device_id: string;
};

/** Input of RTR_DeleteSession. */
export interface RTR_DeleteSessionInput {
  query: {
    session_id: string;
  };
}
/** One resource of RTR_DeleteSession's answer. */
export type RTR_DeleteSessionResource = unknown;

/** Input of RTR_ListAllSessions. */
export interface RTR_ListAllSessionsInput {
  query?: {
    offset?: number;
    limit?: number;
    sort?: string;
    filter?: string;
  };
}
/** One resource of RTR_ListAllSessions's answer. */
export type RTR_ListAllSessionsResource = string;

/** Input of RTR_AggregateSessions. */
export interface RTR_AggregateSessionsInput {
  body: Array<{
    name?: string;
    field: string;
    type: string;
    size?: number;
    from?: number;
    sort?: string;
    filter?: string;
    q?: string;
    interval?: string;
    time_zone?: string;
    min_doc_count?: number;
    max_doc_count?: number;
    missing?: string;
    include?: string;
    exclude?: string;
    ranges?: Array<{
      from?: number | null;
      to?: number | null;
      From?: number | null;
      To?: number | null;
    }>;
    date_ranges?: Array<{
      from?: string | null;
      to?: string | null;
    }>;
    percents?: number[];
    extended_bounds?: {
      min?: string;
      max?: string;
    };
    filters_spec?: unknown;
    sub_aggregates?: unknown[];
  }>;
}
/** One resource of RTR_AggregateSessions's answer. */
export type RTR_AggregateSessionsResource = {
  name: string;
  buckets: Array<{
    label: string | number | boolean;
    count: number;
    value?: number;
    value_as_string?: string;
    key_as_string?: string;
    sub_aggregates?: unknown[];
    [key: string]: unknown;
  }>;
  sum_other_doc_count?: number;
};

/** Input of RTR_ListSessions. */
export interface RTR_ListSessionsInput {
  body: {
    ids: string[];
  };
}
/** One resource of RTR_ListSessions's answer. */
export type RTR_ListSessionsResource = {
  id: string;
  device_id: string;
  logs: Array<{
    [key: string]: unknown;
  }>;
  [key: string]: unknown;
};

/** Input of RTR_ListQueuedSessions. */
export interface RTR_ListQueuedSessionsInput {
  body: {
    ids: string[];
  };
}
/** One resource of RTR_ListQueuedSessions's answer. */
export type RTR_ListQueuedSessionsResource = unknown;

/** Input of RTR_DeleteQueuedSession. */
export interface RTR_DeleteQueuedSessionInput {
  query: {
    session_id: string;
    cloud_request_id: string;
  };
}
/** One resource of RTR_DeleteQueuedSession's answer. */
export type RTR_DeleteQueuedSessionResource = unknown;

/** Input of RTR_CancelCommand. */
export interface RTR_CancelCommandInput {
  query: {
    session_id: string;
    cloud_request_id: string;
  };
}
/** One resource of RTR_CancelCommand's answer. */
export type RTR_CancelCommandResource = unknown;

/** Input of RTR_ExecuteCommand. */
export interface RTR_ExecuteCommandInput {
  body: {
    base_command: string;
    command_string: string;
    session_id: string;
    device_id?: string;
    id?: number;
    persist?: boolean;
  };
}
/** One resource of RTR_ExecuteCommand's answer. */
export type RTR_ExecuteCommandResource = {
  session_id: string;
  cloud_request_id: string;
  queued_command_offline: boolean;
};

/** Input of RTR_CheckCommandStatus. */
export interface RTR_CheckCommandStatusInput {
  query: {
    cloud_request_id: string;
    sequence_id?: number;
  };
}
/** One resource of RTR_CheckCommandStatus's answer. */
export type RTR_CheckCommandStatusResource = {
  session_id: string;
  task_id: string;
  complete: boolean;
  stdout: string;
  stderr: string;
  base_command: string;
  sequence_id: number;
};

/** Input of RTR_ExecuteActiveResponderCommand. */
export interface RTR_ExecuteActiveResponderCommandInput {
  body: {
    base_command: string;
    command_string: string;
    session_id: string;
    device_id?: string;
    id?: number;
    persist?: boolean;
  };
}
/** One resource of RTR_ExecuteActiveResponderCommand's answer. */
export type RTR_ExecuteActiveResponderCommandResource = {
  session_id: string;
  cloud_request_id: string;
  queued_command_offline: boolean;
};

/** Input of RTR_CheckActiveResponderCommandStatus. */
export interface RTR_CheckActiveResponderCommandStatusInput {
  query: {
    cloud_request_id: string;
    sequence_id?: number;
  };
}
/** One resource of RTR_CheckActiveResponderCommandStatus's answer. */
export type RTR_CheckActiveResponderCommandStatusResource = {
  session_id: string;
  task_id: string;
  complete: boolean;
  stdout: string;
  stderr: string;
  base_command: string;
  sequence_id: number;
};

/** Input of RTR_ExecuteAdminCommand. */
export interface RTR_ExecuteAdminCommandInput {
  body: {
    base_command: string;
    command_string: string;
    session_id: string;
    device_id?: string;
    id?: number;
    persist?: boolean;
  };
}
/** One resource of RTR_ExecuteAdminCommand's answer. */
export type RTR_ExecuteAdminCommandResource = {
  session_id: string;
  cloud_request_id: string;
  queued_command_offline: boolean;
};

/** Input of RTR_CheckAdminCommandStatus. */
export interface RTR_CheckAdminCommandStatusInput {
  query: {
    cloud_request_id: string;
    sequence_id?: number;
  };
}
/** One resource of RTR_CheckAdminCommandStatus's answer. */
export type RTR_CheckAdminCommandStatusResource = {
  session_id: string;
  task_id: string;
  complete: boolean;
  stdout: string;
  stderr: string;
  base_command: string;
  sequence_id: number;
};

/** Input of RTR_ListFiles. */
export interface RTR_ListFilesInput {
  query: {
    session_id: string;
  };
}
/** One resource of RTR_ListFiles's answer. */
export type RTR_ListFilesResource = {
  id: number | string;
  session_id: string;
  name: string;
  sha256: string;
  size: number;
  [key: string]: unknown;
};

/** Input of RTR_ListFilesV2. */
export interface RTR_ListFilesV2Input {
  query: {
    session_id: string;
  };
}
/** One resource of RTR_ListFilesV2's answer. */
export type RTR_ListFilesV2Resource = {
  id: number | string;
  session_id: string;
  name: string;
  sha256: string;
  size: number;
  [key: string]: unknown;
};

/** Input of RTR_DeleteFile. */
export interface RTR_DeleteFileInput {
  query: {
    ids: string;
    session_id: string;
  };
}
/** One resource of RTR_DeleteFile's answer. */
export type RTR_DeleteFileResource = unknown;

/** Input of RTR_DeleteFileV2. */
export interface RTR_DeleteFileV2Input {
  query: {
    ids: string;
    session_id: string;
  };
}
/** One resource of RTR_DeleteFileV2's answer. */
export type RTR_DeleteFileV2Resource = unknown;

/** Input of RTR_GetExtractedFileContents. */
export interface RTR_GetExtractedFileContentsInput {
  query: {
    session_id: string;
    sha256: string;
    filename?: string;
  };
}
/** One resource of RTR_GetExtractedFileContents's answer. */
export type RTR_GetExtractedFileContentsResource = unknown;

/** Input of BatchInitSessions. */
export interface BatchInitSessionsInput {
  query?: {
    timeout?: number;
    timeout_duration?: string;
    host_timeout_duration?: string;
  };
  body: {
    host_ids: string[];
    existing_batch_id?: string;
    queue_offline?: boolean;
  };
}
/** One resource of BatchInitSessions's answer. */
export type BatchInitSessionsResource = unknown;

/** Input of BatchRefreshSessions. */
export interface BatchRefreshSessionsInput {
  query?: {
    timeout?: number;
    timeout_duration?: string;
  };
  body: {
    batch_id: string;
    hosts_to_remove?: string[];
  };
}
/** One resource of BatchRefreshSessions's answer. */
export type BatchRefreshSessionsResource = unknown;

/** Input of BatchCmd. */
export interface BatchCmdInput {
  query?: {
    timeout?: number;
    timeout_duration?: string;
    host_timeout_duration?: string;
  };
  body: {
    base_command: string;
    command_string: string;
    batch_id: string;
    optional_hosts?: string[];
    persist_all?: boolean;
  };
}
/** One resource of BatchCmd's answer. */
export type BatchCmdResource = unknown;

/** Input of BatchActiveResponderCmd. */
export interface BatchActiveResponderCmdInput {
  query?: {
    timeout?: number;
    timeout_duration?: string;
    host_timeout_duration?: string;
  };
  body: {
    base_command: string;
    command_string: string;
    batch_id: string;
    optional_hosts?: string[];
    persist_all?: boolean;
  };
}
/** One resource of BatchActiveResponderCmd's answer. */
export type BatchActiveResponderCmdResource = unknown;

/** Input of BatchAdminCmd. */
export interface BatchAdminCmdInput {
  query?: {
    timeout?: number;
    timeout_duration?: string;
    host_timeout_duration?: string;
  };
  body: {
    base_command: string;
    command_string: string;
    batch_id: string;
    optional_hosts?: string[];
    persist_all?: boolean;
  };
}
/** One resource of BatchAdminCmd's answer. */
export type BatchAdminCmdResource = unknown;

/** Input of BatchGetCmd. */
export interface BatchGetCmdInput {
  query?: {
    timeout?: number;
    timeout_duration?: string;
    host_timeout_duration?: string;
  };
  body: {
    batch_id: string;
    file_path: string;
    optional_hosts?: string[];
  };
}
/** One resource of BatchGetCmd's answer. */
export type BatchGetCmdResource = unknown;

/** Input of BatchGetCmdStatus. */
export interface BatchGetCmdStatusInput {
  query: {
    timeout?: number;
    timeout_duration?: string;
    batch_get_cmd_req_id: string;
  };
}
/** One resource of BatchGetCmdStatus's answer. */
export type BatchGetCmdStatusResource = unknown;

/** Input of RTRAuditSessions. */
export interface RTRAuditSessionsInput {
  query?: {
    filter?: string;
    sort?: string;
    limit?: number;
    offset?: number;
    with_command_info?: boolean;
  };
}
/** One resource of RTRAuditSessions's answer. */
export type RTRAuditSessionsResource = {
  id: string;
  device_id: string;
  logs: Array<{
    [key: string]: unknown;
  }>;
  [key: string]: unknown;
};

/** Input of GetSensorAggregates. */
export interface GetSensorAggregatesInput {
  body: {
    [key: string]: unknown;
  } | Array<{
    [key: string]: unknown;
  }>;
}
/** One resource of GetSensorAggregates's answer. */
export type GetSensorAggregatesResource = {
  name: string;
  buckets: Array<{
    label: string | number | boolean;
    count: number;
    value?: number;
    value_as_string?: string;
    key_as_string?: string;
    sub_aggregates?: unknown[];
    [key: string]: unknown;
  }>;
  sum_other_doc_count?: number;
};

/** Input of GetSensorDetails. */
export interface GetSensorDetailsInput {
  body: {
    ids: string[];
  };
}
/** One resource of GetSensorDetails's answer. */
export type GetSensorDetailsResource = {
  cid: string;
  device_id: string;
  hostname: string;
  local_ip: string;
  machine_domain: string;
  os_version: string;
  agent_version: string;
  heartbeat_time: string;
  status: string;
  status_causes: string[];
  [key: string]: unknown;
};

/** Input of QuerySensorsByFilter. */
export interface QuerySensorsByFilterInput {
  query?: {
    filter?: string;
    sort?: string;
    offset?: number;
    limit?: number;
  };
}
/** One resource of QuerySensorsByFilter's answer. */
export type QuerySensorsByFilterResource = string;

/** Input of get_policy_rules. */
export interface get_policy_rulesInput {
  query: {
    ids: string[];
  };
}
/** One resource of get_policy_rules's answer. */
export type get_policy_rulesResource = {
  id: string;
  name: string;
  enabled: boolean;
  simulationMode: boolean;
  action: string;
  trigger: string;
  [key: string]: unknown;
};

/** Input of post_policy_rules. */
export interface post_policy_rulesInput {
  body: {
    action: "ADD_TO_WATCH_LIST" | "ALLOW" | "APPLY_SSO_POLICY" | "BLOCK" | "FORCE_PASSWORD_CHANGE" | "MFA";
    activity?: {
      accessType?: {
        include?: string[];
        exclude?: string[];
      };
      accessTypeCustom?: {
        include?: string[];
        exclude?: string[];
      };
    };
    destination?: {
      entityId?: {
        include?: string[];
        exclude?: string[];
      };
      groupMembership?: {
        include?: string[];
        exclude?: string[];
      };
    };
    enabled: boolean;
    name: string;
    simulationMode: boolean;
    sourceEndpoint?: {
      entityId?: {
        include?: string[];
        exclude?: string[];
      };
      groupMembership?: {
        include?: string[];
        exclude?: string[];
      };
    };
    sourceUser?: {
      entityId?: {
        include?: string[];
        exclude?: string[];
      };
      groupMembership?: {
        include?: string[];
        exclude?: string[];
      };
    };
    trigger: "access" | "accountEvent" | "alert" | "federatedAccess";
  };
}
/** One resource of post_policy_rules's answer. */
export type post_policy_rulesResource = {
  id: string;
  name: string;
  enabled: boolean;
  simulationMode: boolean;
  action: string;
  trigger: string;
  [key: string]: unknown;
};

/** Input of delete_policy_rules. */
export interface delete_policy_rulesInput {
  query: {
    ids: string[];
  };
}
/** One resource of delete_policy_rules's answer. */
export type delete_policy_rulesResource = unknown;

/** Input of get_policy_rules_query. */
export interface get_policy_rules_queryInput {
  query?: {
    name?: string;
    enabled?: boolean;
    simulation_mode?: boolean;
  };
}
/** One resource of get_policy_rules_query's answer. */
export type get_policy_rules_queryResource = string;

/** Input of Health. */
export interface HealthInput {
}
/** One resource of Health's answer. */
export type HealthResource = unknown;

/** Input of OpenApi. */
export interface OpenApiInput {
}
/** One resource of OpenApi's answer. */
export type OpenApiResource = unknown;

/** Every operation as a method named after its operationId. */
export abstract class GeneratedOperations {
  protected abstract call(operationId: OperationId, input: object, options?: CallOptions): Promise<any>;

  /** oauth2AccessToken (POST /oauth2/token): Generate an OAuth2 access token from API client credentials (form fields or HTTP Basic). */
  oauth2AccessToken(input?: oauth2AccessTokenInput, options?: CallOptions): Promise<oauth2AccessTokenResource> {
    return this.call('oauth2AccessToken', input ?? {}, options);
  }
  /** oauth2RevokeToken (POST /oauth2/revoke): Revoke a previously issued OAuth2 access token (client authenticates with HTTP Basic). */
  oauth2RevokeToken(input: oauth2RevokeTokenInput, options?: CallOptions): Promise<oauth2RevokeTokenResource> {
    return this.call('oauth2RevokeToken', input ?? {}, options);
  }
  /** QueryDevicesByFilter (GET /devices/queries/devices/v1, devices:read): Search for hosts by FQL filter; returns device ids. */
  queryDevicesByFilter(input?: QueryDevicesByFilterInput, options?: CallOptions): Promise<Envelope<QueryDevicesByFilterResource>> {
    return this.call('QueryDevicesByFilter', input ?? {}, options);
  }
  /** QueryDevicesByFilterScroll (GET /devices/queries/devices-scroll/v1, devices:read): Search for hosts with continuous pagination: `offset` is the token from the previous page (expires after 2 minutes). */
  queryDevicesByFilterScroll(input?: QueryDevicesByFilterScrollInput, options?: CallOptions): Promise<Envelope<QueryDevicesByFilterScrollResource>> {
    return this.call('QueryDevicesByFilterScroll', input ?? {}, options);
  }
  /** QueryHiddenDevices (GET /devices/queries/devices-hidden/v1, devices:read): Search hidden hosts by FQL filter; returns device ids. */
  queryHiddenDevices(input?: QueryHiddenDevicesInput, options?: CallOptions): Promise<Envelope<QueryHiddenDevicesResource>> {
    return this.call('QueryHiddenDevices', input ?? {}, options);
  }
  /** CombinedHiddenDevicesByFilter (GET /devices/combined/devices-hidden/v1, devices:read): Search hidden hosts by FQL filter; returns full device records (optionally only `fields`). */
  combinedHiddenDevicesByFilter(input?: CombinedHiddenDevicesByFilterInput, options?: CallOptions): Promise<Envelope<CombinedHiddenDevicesByFilterResource>> {
    return this.call('CombinedHiddenDevicesByFilter', input ?? {}, options);
  }
  /** CombinedDevicesByFilter (GET /devices/combined/devices/v1, devices:read): Search for hosts by FQL filter; returns full device records (optionally only `fields`). */
  combinedDevicesByFilter(input?: CombinedDevicesByFilterInput, options?: CallOptions): Promise<Envelope<CombinedDevicesByFilterResource>> {
    return this.call('CombinedDevicesByFilter', input ?? {}, options);
  }
  /** GetDeviceDetailsV1 (GET /devices/entities/devices/v1, devices:read): Details of up to 100 hosts by device id (deprecated by the vendor in favour of v2; same records). */
  getDeviceDetailsV1(input: GetDeviceDetailsV1Input, options?: CallOptions): Promise<Envelope<GetDeviceDetailsV1Resource>> {
    return this.call('GetDeviceDetailsV1', input ?? {}, options);
  }
  /** GetDeviceDetailsV2 (GET /devices/entities/devices/v2, devices:read): Details of up to 100 hosts by device id. */
  getDeviceDetailsV2(input: GetDeviceDetailsV2Input, options?: CallOptions): Promise<Envelope<GetDeviceDetailsV2Resource>> {
    return this.call('GetDeviceDetailsV2', input ?? {}, options);
  }
  /** PostDeviceDetailsV2 (POST /devices/entities/devices/v2, devices:read): Details of up to 5,000 hosts by device id. */
  postDeviceDetailsV2(input: PostDeviceDetailsV2Input, options?: CallOptions): Promise<Envelope<PostDeviceDetailsV2Resource>> {
    return this.call('PostDeviceDetailsV2', input ?? {}, options);
  }
  /** GetOnlineState_V1 (GET /devices/entities/online-state/v1, devices:read): Online state (online, offline, unknown) of up to 100 hosts. */
  getOnlineStateV1(input: GetOnlineState_V1Input, options?: CallOptions): Promise<Envelope<GetOnlineState_V1Resource>> {
    return this.call('GetOnlineState_V1', input ?? {}, options);
  }
  /** UpdateDeviceTags (PATCH /devices/entities/devices/tags/v1, devices:write): Add or remove FalconGroupingTags on hosts. */
  updateDeviceTags(input: UpdateDeviceTagsInput, options?: CallOptions): Promise<Envelope<UpdateDeviceTagsResource>> {
    return this.call('UpdateDeviceTags', input ?? {}, options);
  }
  /** PerformActionV2 (POST /devices/entities/devices-actions/v2, devices:write): Contain, lift containment, hide or unhide hosts, suppress or unsuppress their detections. */
  performActionV2(input: PerformActionV2Input, options?: CallOptions): Promise<Envelope<PerformActionV2Resource>> {
    return this.call('PerformActionV2', input ?? {}, options);
  }
  /** DevicesActionsDeleteV1 (POST /devices/entities/devices-actions-delete/v1, delete-managed-assets:write): Permanently delete hidden hosts, by `ids` and/or an FQL `filter` (over hidden hosts; with ids, it narrows them). Their agents are revoked. Visible hosts are refused: hide them first. */
  devicesActionsDeleteV1(input: DevicesActionsDeleteV1Input, options?: CallOptions): Promise<Envelope<DevicesActionsDeleteV1Resource>> {
    return this.call('DevicesActionsDeleteV1', input ?? {}, options);
  }
  /** QueryDeviceLoginHistory (POST /devices/combined/devices/login-history/v1, devices:read): Recent logins on hosts (up to 10 per host). */
  queryDeviceLoginHistory(input: QueryDeviceLoginHistoryInput, options?: CallOptions): Promise<Envelope<QueryDeviceLoginHistoryResource>> {
    return this.call('QueryDeviceLoginHistory', input ?? {}, options);
  }
  /** QueryDeviceLoginHistoryV2 (POST /devices/combined/devices/login-history/v2, devices:read): Logins on hosts in a time range. */
  queryDeviceLoginHistoryV2(input: QueryDeviceLoginHistoryV2Input, options?: CallOptions): Promise<Envelope<QueryDeviceLoginHistoryV2Resource>> {
    return this.call('QueryDeviceLoginHistoryV2', input ?? {}, options);
  }
  /** QueryGetNetworkAddressHistoryV1 (POST /devices/combined/devices/network-address-history/v1, devices:read): History of IP and MAC addresses seen on hosts. */
  queryGetNetworkAddressHistoryV1(input: QueryGetNetworkAddressHistoryV1Input, options?: CallOptions): Promise<Envelope<QueryGetNetworkAddressHistoryV1Resource>> {
    return this.call('QueryGetNetworkAddressHistoryV1', input ?? {}, options);
  }
  /** riposte_GetContainmentAllowList (GET /riposte/entities/containment-allow-list/v1, devices:read): riposte extension: the CIDR blocks contained hosts may still reach. */
  riposteGetContainmentAllowList(input?: riposte_GetContainmentAllowListInput, options?: CallOptions): Promise<Envelope<riposte_GetContainmentAllowListResource>> {
    return this.call('riposte_GetContainmentAllowList', input ?? {}, options);
  }
  /** riposte_SetContainmentAllowList (PUT /riposte/entities/containment-allow-list/v1, devices:write): riposte extension: replace the containment allow-list (CIDR blocks); contained hosts apply it at once. */
  riposteSetContainmentAllowList(input: riposte_SetContainmentAllowListInput, options?: CallOptions): Promise<Envelope<riposte_SetContainmentAllowListResource>> {
    return this.call('riposte_SetContainmentAllowList', input ?? {}, options);
  }
  /** createHostGroups (POST /devices/entities/host-groups/v1, host-group:write): Create host groups (static, dynamic with an FQL assignment rule, or staticByID). */
  createHostGroups(input: createHostGroupsInput, options?: CallOptions): Promise<Envelope<createHostGroupsResource>> {
    return this.call('createHostGroups', input ?? {}, options);
  }
  /** updateHostGroups (PATCH /devices/entities/host-groups/v1, host-group:write): Update host groups by id. */
  updateHostGroups(input: updateHostGroupsInput, options?: CallOptions): Promise<Envelope<updateHostGroupsResource>> {
    return this.call('updateHostGroups', input ?? {}, options);
  }
  /** deleteHostGroups (DELETE /devices/entities/host-groups/v1, host-group:write): Delete host groups by id. */
  deleteHostGroups(input: deleteHostGroupsInput, options?: CallOptions): Promise<Envelope<deleteHostGroupsResource>> {
    return this.call('deleteHostGroups', input ?? {}, options);
  }
  /** getHostGroups (GET /devices/entities/host-groups/v1, host-group:read): Host groups by id. */
  getHostGroups(input: getHostGroupsInput, options?: CallOptions): Promise<Envelope<getHostGroupsResource>> {
    return this.call('getHostGroups', input ?? {}, options);
  }
  /** queryHostGroups (GET /devices/queries/host-groups/v1, host-group:read): Search host groups by FQL; returns ids. */
  queryHostGroups(input?: queryHostGroupsInput, options?: CallOptions): Promise<Envelope<queryHostGroupsResource>> {
    return this.call('queryHostGroups', input ?? {}, options);
  }
  /** queryCombinedHostGroups (GET /devices/combined/host-groups/v1, host-group:read): Search host groups by FQL; returns full records. */
  queryCombinedHostGroups(input?: queryCombinedHostGroupsInput, options?: CallOptions): Promise<Envelope<queryCombinedHostGroupsResource>> {
    return this.call('queryCombinedHostGroups', input ?? {}, options);
  }
  /** queryGroupMembers (GET /devices/queries/host-group-members/v1, host-group:read): Device ids of the members of a host group, filtered by FQL over devices. */
  queryGroupMembers(input?: queryGroupMembersInput, options?: CallOptions): Promise<Envelope<queryGroupMembersResource>> {
    return this.call('queryGroupMembers', input ?? {}, options);
  }
  /** queryCombinedGroupMembers (GET /devices/combined/host-group-members/v1, host-group:read): Device records of the members of a host group. */
  queryCombinedGroupMembers(input?: queryCombinedGroupMembersInput, options?: CallOptions): Promise<Envelope<queryCombinedGroupMembersResource>> {
    return this.call('queryCombinedGroupMembers', input ?? {}, options);
  }
  /** performGroupAction (POST /devices/entities/host-group-actions/v1, host-group:write): Add hosts to or remove hosts from static host groups; hosts are chosen by an FQL `filter` action parameter. */
  performGroupAction(input: performGroupActionInput, options?: CallOptions): Promise<Envelope<performGroupActionResource>> {
    return this.call('performGroupAction', input ?? {}, options);
  }
  /** entities_perform_action (POST /devices/entities/group-actions/v1, host-group:write): Add hosts to or remove hosts from static host groups named by `ids` (hosts chosen by an FQL `filter` action parameter), or remove all their members. */
  entitiesPerformAction(input: entities_perform_actionInput, options?: CallOptions): Promise<Envelope<entities_perform_actionResource>> {
    return this.call('entities_perform_action', input ?? {}, options);
  }
  /** queryCombinedRTResponsePolicyMembers (GET /policy/combined/response-members/v1, response-policies:read): Device records of the hosts a response policy decides for (its effective members), filtered by FQL over devices. */
  queryCombinedRTResponsePolicyMembers(input?: queryCombinedRTResponsePolicyMembersInput, options?: CallOptions): Promise<Envelope<queryCombinedRTResponsePolicyMembersResource>> {
    return this.call('queryCombinedRTResponsePolicyMembers', input ?? {}, options);
  }
  /** queryCombinedRTResponsePolicies (GET /policy/combined/response/v1, response-policies:read): Search response policies by FQL; returns full records. */
  queryCombinedRTResponsePolicies(input?: queryCombinedRTResponsePoliciesInput, options?: CallOptions): Promise<Envelope<queryCombinedRTResponsePoliciesResource>> {
    return this.call('queryCombinedRTResponsePolicies', input ?? {}, options);
  }
  /** performRTResponsePoliciesAction (POST /policy/entities/response-actions/v1, response-policies:write): Enable or disable response policies, or attach/detach host groups (`group_id` action parameters). */
  performRTResponsePoliciesAction(input: performRTResponsePoliciesActionInput, options?: CallOptions): Promise<Envelope<performRTResponsePoliciesActionResource>> {
    return this.call('performRTResponsePoliciesAction', input ?? {}, options);
  }
  /** setRTResponsePoliciesPrecedence (POST /policy/entities/response-precedence/v1, response-policies:write): Order a platform's response policies (first = highest); the list must hold every non-default policy of the platform. */
  setRTResponsePoliciesPrecedence(input: setRTResponsePoliciesPrecedenceInput, options?: CallOptions): Promise<Envelope<setRTResponsePoliciesPrecedenceResource>> {
    return this.call('setRTResponsePoliciesPrecedence', input ?? {}, options);
  }
  /** getRTResponsePolicies (GET /policy/entities/response/v1, response-policies:read): Response policies by id. */
  getRTResponsePolicies(input: getRTResponsePoliciesInput, options?: CallOptions): Promise<Envelope<getRTResponsePoliciesResource>> {
    return this.call('getRTResponsePolicies', input ?? {}, options);
  }
  /** createRTResponsePolicies (POST /policy/entities/response/v1, response-policies:write): Create response policies (disabled, lowest precedence); optionally cloned from `clone_id`. */
  createRTResponsePolicies(input: createRTResponsePoliciesInput, options?: CallOptions): Promise<Envelope<createRTResponsePoliciesResource>> {
    return this.call('createRTResponsePolicies', input ?? {}, options);
  }
  /** deleteRTResponsePolicies (DELETE /policy/entities/response/v1, response-policies:write): Delete disabled, non-default response policies by id. */
  deleteRTResponsePolicies(input: deleteRTResponsePoliciesInput, options?: CallOptions): Promise<Envelope<deleteRTResponsePoliciesResource>> {
    return this.call('deleteRTResponsePolicies', input ?? {}, options);
  }
  /** updateRTResponsePolicies (PATCH /policy/entities/response/v1, response-policies:write): Update response policies: name, description, settings. */
  updateRTResponsePolicies(input: updateRTResponsePoliciesInput, options?: CallOptions): Promise<Envelope<updateRTResponsePoliciesResource>> {
    return this.call('updateRTResponsePolicies', input ?? {}, options);
  }
  /** queryRTResponsePolicyMembers (GET /policy/queries/response-members/v1, response-policies:read): Device ids of the hosts a response policy decides for, filtered by FQL over devices. */
  queryRTResponsePolicyMembers(input?: queryRTResponsePolicyMembersInput, options?: CallOptions): Promise<Envelope<queryRTResponsePolicyMembersResource>> {
    return this.call('queryRTResponsePolicyMembers', input ?? {}, options);
  }
  /** queryRTResponsePolicies (GET /policy/queries/response/v1, response-policies:read): Search response policies by FQL; returns ids. */
  queryRTResponsePolicies(input?: queryRTResponsePoliciesInput, options?: CallOptions): Promise<Envelope<queryRTResponsePoliciesResource>> {
    return this.call('queryRTResponsePolicies', input ?? {}, options);
  }
  /** RTR_CreatePut_Files (POST /real-time-response/entities/put-files/v1, real-time-response-admin:write): Upload a put-file (multipart `file`) for the RTR `put` command. */
  rtrCreatePutFiles(input: RTR_CreatePut_FilesInput, options?: CallOptions): Promise<Envelope<RTR_CreatePut_FilesResource>> {
    return this.call('RTR_CreatePut_Files', input ?? {}, options);
  }
  /** RTR_CreatePut_FilesV2 (POST /real-time-response/entities/put-files/v2, real-time-response-admin:write): Upload a put-file (multipart `file`) for the RTR `put` command; answers with the new put-file. */
  rtrCreatePutFilesV2(input: RTR_CreatePut_FilesV2Input, options?: CallOptions): Promise<Envelope<RTR_CreatePut_FilesV2Resource>> {
    return this.call('RTR_CreatePut_FilesV2', input ?? {}, options);
  }
  /** RTR_GetPut_Files (GET /real-time-response/entities/put-files/v1, real-time-response-admin:write): Put-files by id. */
  rtrGetPutFiles(input: RTR_GetPut_FilesInput, options?: CallOptions): Promise<Envelope<RTR_GetPut_FilesResource>> {
    return this.call('RTR_GetPut_Files', input ?? {}, options);
  }
  /** RTR_GetPut_FilesV2 (GET /real-time-response/entities/put-files/v2, real-time-response-admin:write): Put-files by id. */
  rtrGetPutFilesV2(input: RTR_GetPut_FilesV2Input, options?: CallOptions): Promise<Envelope<RTR_GetPut_FilesV2Resource>> {
    return this.call('RTR_GetPut_FilesV2', input ?? {}, options);
  }
  /** RTR_DeletePut_Files (DELETE /real-time-response/entities/put-files/v1, real-time-response-admin:write): Delete put-files by id. */
  rtrDeletePutFiles(input: RTR_DeletePut_FilesInput, options?: CallOptions): Promise<Envelope<RTR_DeletePut_FilesResource>> {
    return this.call('RTR_DeletePut_Files', input ?? {}, options);
  }
  /** RTR_ListPut_Files (GET /real-time-response/queries/put-files/v1, real-time-response-admin:write): Ids of put-files matching an FQL filter (pages of at most 100). */
  rtrListPutFiles(input?: RTR_ListPut_FilesInput, options?: CallOptions): Promise<Envelope<RTR_ListPut_FilesResource>> {
    return this.call('RTR_ListPut_Files', input ?? {}, options);
  }
  /** RTR_GetPutFileContents (GET /real-time-response/entities/put-file-contents/v1, real-time-response-admin:write): The bytes of a put-file. */
  rtrGetPutFileContents(input: RTR_GetPutFileContentsInput, options?: CallOptions): Promise<Response> {
    return this.call('RTR_GetPutFileContents', input ?? {}, options);
  }
  /** RTR_CreateScripts (POST /real-time-response/entities/scripts/v1, real-time-response-admin:write): Upload a custom script (multipart `file` or `content`) for `runscript -CloudFile=`. */
  rtrCreateScripts(input: RTR_CreateScriptsInput, options?: CallOptions): Promise<Envelope<RTR_CreateScriptsResource>> {
    return this.call('RTR_CreateScripts', input ?? {}, options);
  }
  /** RTR_CreateScriptsV2 (POST /real-time-response/entities/scripts/v2, real-time-response-admin:write): Upload a custom script (multipart `file` or `content`); answers with the new script. */
  rtrCreateScriptsV2(input: RTR_CreateScriptsV2Input, options?: CallOptions): Promise<Envelope<RTR_CreateScriptsV2Resource>> {
    return this.call('RTR_CreateScriptsV2', input ?? {}, options);
  }
  /** RTR_GetScripts (GET /real-time-response/entities/scripts/v1, real-time-response-admin:write): Custom scripts by id (private scripts of other API clients are not found). */
  rtrGetScripts(input: RTR_GetScriptsInput, options?: CallOptions): Promise<Envelope<RTR_GetScriptsResource>> {
    return this.call('RTR_GetScripts', input ?? {}, options);
  }
  /** RTR_GetScriptsV2 (GET /real-time-response/entities/scripts/v2, real-time-response-admin:write): Custom scripts by id (private scripts of other API clients are not found). */
  rtrGetScriptsV2(input: RTR_GetScriptsV2Input, options?: CallOptions): Promise<Envelope<RTR_GetScriptsV2Resource>> {
    return this.call('RTR_GetScriptsV2', input ?? {}, options);
  }
  /** RTR_UpdateScripts (PATCH /real-time-response/entities/scripts/v1, real-time-response-admin:write): Replace a custom script or change its metadata (multipart, `id` required). */
  rtrUpdateScripts(input: RTR_UpdateScriptsInput, options?: CallOptions): Promise<Envelope<RTR_UpdateScriptsResource>> {
    return this.call('RTR_UpdateScripts', input ?? {}, options);
  }
  /** RTR_UpdateScriptsV2 (PATCH /real-time-response/entities/scripts/v2, real-time-response-admin:write): Replace a custom script or change its metadata (multipart, `id` required); answers with the script. */
  rtrUpdateScriptsV2(input: RTR_UpdateScriptsV2Input, options?: CallOptions): Promise<Envelope<RTR_UpdateScriptsV2Resource>> {
    return this.call('RTR_UpdateScriptsV2', input ?? {}, options);
  }
  /** RTR_DeleteScripts (DELETE /real-time-response/entities/scripts/v1, real-time-response-admin:write): Delete custom scripts by id. */
  rtrDeleteScripts(input: RTR_DeleteScriptsInput, options?: CallOptions): Promise<Envelope<RTR_DeleteScriptsResource>> {
    return this.call('RTR_DeleteScripts', input ?? {}, options);
  }
  /** RTR_ListScripts (GET /real-time-response/queries/scripts/v1, real-time-response-admin:write): Ids of custom scripts matching an FQL filter that the caller may see (pages of at most 100). */
  rtrListScripts(input?: RTR_ListScriptsInput, options?: CallOptions): Promise<Envelope<RTR_ListScriptsResource>> {
    return this.call('RTR_ListScripts', input ?? {}, options);
  }
  /** RTR_ListFalconScripts (GET /real-time-response/queries/falcon-scripts/v1, real-time-response-admin:write): Ids of the built-in scripts matching an FQL filter. */
  rtrListFalconScripts(input?: RTR_ListFalconScriptsInput, options?: CallOptions): Promise<Envelope<RTR_ListFalconScriptsResource>> {
    return this.call('RTR_ListFalconScripts', input ?? {}, options);
  }
  /** RTR_GetFalconScripts (GET /real-time-response/entities/falcon-scripts/v1, real-time-response-admin:write): Built-in scripts (with their text) by id. */
  rtrGetFalconScripts(input: RTR_GetFalconScriptsInput, options?: CallOptions): Promise<Envelope<RTR_GetFalconScriptsResource>> {
    return this.call('RTR_GetFalconScripts', input ?? {}, options);
  }
  /** RTR_InitSession (POST /real-time-response/entities/sessions/v1, real-time-response:read): Open a session on a host. */
  rtrInitSession(input: RTR_InitSessionInput, options?: CallOptions): Promise<Envelope<RTR_InitSessionResource>> {
    return this.call('RTR_InitSession', input ?? {}, options);
  }
  /** RTR_PulseSession (POST /real-time-response/entities/refresh-session/v1, real-time-response:read): Keep the caller's session on a host alive for another 10 minutes. */
  rtrPulseSession(input: RTR_PulseSessionInput, options?: CallOptions): Promise<Envelope<RTR_PulseSessionResource>> {
    return this.call('RTR_PulseSession', input ?? {}, options);
  }
  /** RTR_DeleteSession (DELETE /real-time-response/entities/sessions/v1, real-time-response:read): End a session; its queued commands are cancelled. */
  rtrDeleteSession(input: RTR_DeleteSessionInput, options?: CallOptions): Promise<Envelope<RTR_DeleteSessionResource>> {
    return this.call('RTR_DeleteSession', input ?? {}, options);
  }
  /** RTR_ListAllSessions (GET /real-time-response/queries/sessions/v1, real-time-response:read): Ids of the caller's live sessions (FQL filter, sort such as created_at|desc, paging). */
  rtrListAllSessions(input?: RTR_ListAllSessionsInput, options?: CallOptions): Promise<Envelope<RTR_ListAllSessionsResource>> {
    return this.call('RTR_ListAllSessions', input ?? {}, options);
  }
  /** RTR_AggregateSessions (POST /real-time-response/aggregates/sessions/GET/v1, real-time-response:read): Aggregates (terms, date_histogram, ranges, metrics) over the caller's sessions. */
  rtrAggregateSessions(input: RTR_AggregateSessionsInput, options?: CallOptions): Promise<Envelope<RTR_AggregateSessionsResource>> {
    return this.call('RTR_AggregateSessions', input ?? {}, options);
  }
  /** RTR_ListSessions (POST /real-time-response/entities/sessions/GET/v1, real-time-response:read): Details of the caller's sessions by id, with their command logs. */
  rtrListSessions(input: RTR_ListSessionsInput, options?: CallOptions): Promise<Envelope<RTR_ListSessionsResource>> {
    return this.call('RTR_ListSessions', input ?? {}, options);
  }
  /** RTR_ListQueuedSessions (POST /real-time-response/entities/queued-sessions/GET/v1, real-time-response:read): Commands of the given sessions that wait for an offline host. */
  rtrListQueuedSessions(input: RTR_ListQueuedSessionsInput, options?: CallOptions): Promise<Envelope<RTR_ListQueuedSessionsResource>> {
    return this.call('RTR_ListQueuedSessions', input ?? {}, options);
  }
  /** RTR_DeleteQueuedSession (DELETE /real-time-response/entities/queued-sessions/command/v1, real-time-response:read): Cancel a command that waits for an offline host. */
  rtrDeleteQueuedSession(input: RTR_DeleteQueuedSessionInput, options?: CallOptions): Promise<Envelope<RTR_DeleteQueuedSessionResource>> {
    return this.call('RTR_DeleteQueuedSession', input ?? {}, options);
  }
  /** RTR_CancelCommand (DELETE /real-time-response/entities/command/v1, real-time-response:read): riposte extension: cancel a command of your session that has not ended, queued or running (the agent stops it). */
  rtrCancelCommand(input: RTR_CancelCommandInput, options?: CallOptions): Promise<Envelope<RTR_CancelCommandResource>> {
    return this.call('RTR_CancelCommand', input ?? {}, options);
  }
  /** RTR_ExecuteCommand (POST /real-time-response/entities/command/v1, real-time-response:read): Execute a read-only command in a session; poll its output with the matching status operation. */
  rtrExecuteCommand(input: RTR_ExecuteCommandInput, options?: CallOptions): Promise<Envelope<RTR_ExecuteCommandResource>> {
    return this.call('RTR_ExecuteCommand', input ?? {}, options);
  }
  /** RTR_CheckCommandStatus (GET /real-time-response/entities/command/v1, real-time-response:read): Status and output of a read-only command; long output comes in sequence_id chunks of 64 KiB. */
  rtrCheckCommandStatus(input: RTR_CheckCommandStatusInput, options?: CallOptions): Promise<Envelope<RTR_CheckCommandStatusResource>> {
    return this.call('RTR_CheckCommandStatus', input ?? {}, options);
  }
  /** RTR_ExecuteActiveResponderCommand (POST /real-time-response/entities/active-responder-command/v1, real-time-response:write): Execute a active-responder command in a session; poll its output with the matching status operation. */
  rtrExecuteActiveResponderCommand(input: RTR_ExecuteActiveResponderCommandInput, options?: CallOptions): Promise<Envelope<RTR_ExecuteActiveResponderCommandResource>> {
    return this.call('RTR_ExecuteActiveResponderCommand', input ?? {}, options);
  }
  /** RTR_CheckActiveResponderCommandStatus (GET /real-time-response/entities/active-responder-command/v1, real-time-response:write): Status and output of a active-responder command; long output comes in sequence_id chunks of 64 KiB. */
  rtrCheckActiveResponderCommandStatus(input: RTR_CheckActiveResponderCommandStatusInput, options?: CallOptions): Promise<Envelope<RTR_CheckActiveResponderCommandStatusResource>> {
    return this.call('RTR_CheckActiveResponderCommandStatus', input ?? {}, options);
  }
  /** RTR_ExecuteAdminCommand (POST /real-time-response/entities/admin-command/v1, real-time-response-admin:write): Execute a admin command in a session; poll its output with the matching status operation. */
  rtrExecuteAdminCommand(input: RTR_ExecuteAdminCommandInput, options?: CallOptions): Promise<Envelope<RTR_ExecuteAdminCommandResource>> {
    return this.call('RTR_ExecuteAdminCommand', input ?? {}, options);
  }
  /** RTR_CheckAdminCommandStatus (GET /real-time-response/entities/admin-command/v1, real-time-response-admin:write): Status and output of a admin command; long output comes in sequence_id chunks of 64 KiB. */
  rtrCheckAdminCommandStatus(input: RTR_CheckAdminCommandStatusInput, options?: CallOptions): Promise<Envelope<RTR_CheckAdminCommandStatusResource>> {
    return this.call('RTR_CheckAdminCommandStatus', input ?? {}, options);
  }
  /** RTR_ListFiles (GET /real-time-response/entities/file/v1, real-time-response:write): Files retrieved with get in a session. */
  rtrListFiles(input: RTR_ListFilesInput, options?: CallOptions): Promise<Envelope<RTR_ListFilesResource>> {
    return this.call('RTR_ListFiles', input ?? {}, options);
  }
  /** RTR_ListFilesV2 (GET /real-time-response/entities/file/v2, real-time-response:write): Files retrieved (or being retrieved) with get in a session, with their progress. */
  rtrListFilesV2(input: RTR_ListFilesV2Input, options?: CallOptions): Promise<Envelope<RTR_ListFilesV2Resource>> {
    return this.call('RTR_ListFilesV2', input ?? {}, options);
  }
  /** RTR_DeleteFile (DELETE /real-time-response/entities/file/v1, real-time-response:write): Remove a retrieved file from a session. */
  rtrDeleteFile(input: RTR_DeleteFileInput, options?: CallOptions): Promise<Envelope<RTR_DeleteFileResource>> {
    return this.call('RTR_DeleteFile', input ?? {}, options);
  }
  /** RTR_DeleteFileV2 (DELETE /real-time-response/entities/file/v2, real-time-response:write): Remove a retrieved file from a session. */
  rtrDeleteFileV2(input: RTR_DeleteFileV2Input, options?: CallOptions): Promise<Envelope<RTR_DeleteFileV2Resource>> {
    return this.call('RTR_DeleteFileV2', input ?? {}, options);
  }
  /** RTR_GetExtractedFileContents (GET /real-time-response/entities/extracted-file-contents/v1, real-time-response:write): A retrieved file as a 7-Zip archive protected with the password "infected". */
  rtrGetExtractedFileContents(input: RTR_GetExtractedFileContentsInput, options?: CallOptions): Promise<Response> {
    return this.call('RTR_GetExtractedFileContents', input ?? {}, options);
  }
  /** BatchInitSessions (POST /real-time-response/combined/batch-init-session/v1, real-time-response:read): Open sessions on up to 10,000 hosts at once (or add hosts to a batch); per-host results by device id. */
  batchInitSessions(input: BatchInitSessionsInput, options?: CallOptions): Promise<Envelope<BatchInitSessionsResource>> {
    return this.call('BatchInitSessions', input ?? {}, options);
  }
  /** BatchRefreshSessions (POST /real-time-response/combined/batch-refresh-session/v1, real-time-response:read): Keep a batch alive for another 10 minutes, optionally removing hosts from it. */
  batchRefreshSessions(input: BatchRefreshSessionsInput, options?: CallOptions): Promise<Envelope<BatchRefreshSessionsResource>> {
    return this.call('BatchRefreshSessions', input ?? {}, options);
  }
  /** BatchCmd (POST /real-time-response/combined/batch-command/v1, real-time-response:read): Run a read-only command on every host of a batch and wait for them (up to the timeout); results by host in combined.resources. */
  batchCmd(input: BatchCmdInput, options?: CallOptions): Promise<Envelope<BatchCmdResource>> {
    return this.call('BatchCmd', input ?? {}, options);
  }
  /** BatchActiveResponderCmd (POST /real-time-response/combined/batch-active-responder-command/v1, real-time-response:write): Run a active-responder command on every host of a batch and wait for them (up to the timeout); results by host in combined.resources. */
  batchActiveResponderCmd(input: BatchActiveResponderCmdInput, options?: CallOptions): Promise<Envelope<BatchActiveResponderCmdResource>> {
    return this.call('BatchActiveResponderCmd', input ?? {}, options);
  }
  /** BatchAdminCmd (POST /real-time-response/combined/batch-admin-command/v1, real-time-response-admin:write): Run a admin command on every host of a batch and wait for them (up to the timeout); results by host in combined.resources. */
  batchAdminCmd(input: BatchAdminCmdInput, options?: CallOptions): Promise<Envelope<BatchAdminCmdResource>> {
    return this.call('BatchAdminCmd', input ?? {}, options);
  }
  /** BatchGetCmd (POST /real-time-response/combined/batch-get-command/v1, real-time-response:write): Retrieve a file from every host of a batch; follow it with BatchGetCmdStatus and the returned batch_get_cmd_req_id. */
  batchGetCmd(input: BatchGetCmdInput, options?: CallOptions): Promise<Envelope<BatchGetCmdResource>> {
    return this.call('BatchGetCmd', input ?? {}, options);
  }
  /** BatchGetCmdStatus (GET /real-time-response/combined/batch-get-command/v1, real-time-response:write): Files retrieved so far by a batch get, by device id. */
  batchGetCmdStatus(input: BatchGetCmdStatusInput, options?: CallOptions): Promise<Envelope<BatchGetCmdStatusResource>> {
    return this.call('BatchGetCmdStatus', input ?? {}, options);
  }
  /** RTRAuditSessions (GET /real-time-response-audit/combined/sessions/v1, real-time-response-audit:read): Every API client's sessions with the commands run in them (FQL filter; sort created_at|updated_at|deleted_at, |desc). */
  rtrAuditSessions(input?: RTRAuditSessionsInput, options?: CallOptions): Promise<Envelope<RTRAuditSessionsResource>> {
    return this.call('RTRAuditSessions', input ?? {}, options);
  }
  /** GetSensorAggregates (POST /identity-protection/aggregates/devices/GET/v1, identity-entities:read): Aggregates (terms, date_histogram, ranges, metrics; up to 3 nested levels) over identity sensors. */
  getSensorAggregates(input: GetSensorAggregatesInput, options?: CallOptions): Promise<Envelope<GetSensorAggregatesResource>> {
    return this.call('GetSensorAggregates', input ?? {}, options);
  }
  /** GetSensorDetails (POST /identity-protection/entities/devices/GET/v1, identity-entities:read): Details of identity sensors by device id (at most 5000). */
  getSensorDetails(input: GetSensorDetailsInput, options?: CallOptions): Promise<Envelope<GetSensorDetailsResource>> {
    return this.call('GetSensorDetails', input ?? {}, options);
  }
  /** QuerySensorsByFilter (GET /identity-protection/queries/devices/v1, identity-entities:read): Device ids of identity sensors matching an FQL filter. */
  querySensorsByFilter(input?: QuerySensorsByFilterInput, options?: CallOptions): Promise<Envelope<QuerySensorsByFilterResource>> {
    return this.call('QuerySensorsByFilter', input ?? {}, options);
  }
  /** get_policy_rules (GET /identity-protection/entities/policy-rules/v1, identity-policy-rules:read): Policy rules by id. */
  getPolicyRules(input: get_policy_rulesInput, options?: CallOptions): Promise<Envelope<get_policy_rulesResource>> {
    return this.call('get_policy_rules', input ?? {}, options);
  }
  /** post_policy_rules (POST /identity-protection/entities/policy-rules/v1, identity-policy-rules:write): Create a policy rule, evaluated against every authentication from then on. */
  postPolicyRules(input: post_policy_rulesInput, options?: CallOptions): Promise<Envelope<post_policy_rulesResource>> {
    return this.call('post_policy_rules', input ?? {}, options);
  }
  /** delete_policy_rules (DELETE /identity-protection/entities/policy-rules/v1, identity-policy-rules:write): Delete policy rules by id. */
  deletePolicyRules(input: delete_policy_rulesInput, options?: CallOptions): Promise<Envelope<delete_policy_rulesResource>> {
    return this.call('delete_policy_rules', input ?? {}, options);
  }
  /** get_policy_rules_query (GET /identity-protection/queries/policy-rules/v1, identity-policy-rules:read): Policy rule ids by name, enabled and simulation mode. */
  getPolicyRulesQuery(input?: get_policy_rules_queryInput, options?: CallOptions): Promise<Envelope<get_policy_rules_queryResource>> {
    return this.call('get_policy_rules_query', input ?? {}, options);
  }
  /** Health (GET /health): Liveness probe. */
  health(input?: HealthInput, options?: CallOptions): Promise<Response> {
    return this.call('Health', input ?? {}, options);
  }
  /** OpenApi (GET /openapi.json): This OpenAPI document, generated from the operation registry. */
  openApi(input?: OpenApiInput, options?: CallOptions): Promise<Response> {
    return this.call('OpenApi', input ?? {}, options);
  }
}
