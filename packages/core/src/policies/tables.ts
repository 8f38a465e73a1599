/** Row types of the response-policy tables (migration 0006); listed in `Database` (db/schema.ts). */

export interface ResponsePoliciesTable {
  id: string;
  /** Windows | Mac | Linux */
  platform_name: string;
  name: string;
  /** Lowercased name: unique per platform. */
  name_key: string;
  description: string;
  enabled: number;
  /** 1 for the platform's `platform_default` policy. */
  is_default: number;
  /** 1 = highest; non-default policies of a platform hold 1..n, the default DEFAULT_PRECEDENCE. */
  precedence: number;
  /** JSON object: setting id -> enabled. */
  settings: string;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
}

export interface ResponsePolicyGroupsTable {
  policy_id: string;
  group_id: string;
  attached_at: string;
}

/**
 * A candidate set: some of a platform's policies (those attached to a host's groups). `policy_id`
 * is the set's effective policy: its first enabled member in precedence order, else the default.
 * `id` is derived from the members (candidateSetId), so equal sets are one row.
 */
export interface ResponsePolicySetsTable {
  id: string;
  platform_name: string;
  policy_id: string;
}

export interface ResponsePolicySetItemsTable {
  set_id: string;
  policy_id: string;
}

/** Each host's candidate set (and through it, its effective policy); kept current by the policy service. */
export interface HostsEffectivePolicyTable {
  device_id: string;
  platform_name: string;
  set_id: string;
}

export interface PolicyTables {
  response_policies: ResponsePoliciesTable;
  response_policy_groups: ResponsePolicyGroupsTable;
  response_policy_sets: ResponsePolicySetsTable;
  response_policy_set_items: ResponsePolicySetItemsTable;
  hosts_effective_policy: HostsEffectivePolicyTable;
}
