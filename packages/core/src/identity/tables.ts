import type { SensorHost } from './types.ts';

/** Row types of the identity tables (migration 0014); listed in `Database` (db/schema.ts). */

/** A sensor is the host it runs on (as the host registry knows it) and what it has reported. */
export interface IdentitySensorsTable extends SensorHost {
  /** DOMAIN_CONTROLLER | LOCAL_ACCOUNTS */
  sensor_kind: string;
  /** PROTECTED while its agent is connected, else DISCONNECTED. */
  status: string;
  first_seen: string;
  heartbeat_time: string;
  users_reported: number;
  events_reported: number;
}

export interface IdentityEntitiesTable {
  entity_id: string;
  /** USER | ENDPOINT */
  type: string;
  domain: string;
  name_key: string;
  sam_account_name: string;
  primary_display_name: string;
  secondary_display_name: string;
  email: string | null;
  ou: string | null;
  department: string | null;
  enabled: number;
  privileged: number;
  service_account: number;
  builtin_admin: number;
  password_last_set: string | null;
  password_never_expires: number;
  last_logon: string | null;
  created_at: string;
  updated_at: string;
  host_name: string | null;
  last_ip: string | null;
  os_name: string | null;
  agent_id: string | null;
  source_device_id: string;
  /** ACTIVE_DIRECTORY | LOCAL */
  data_source: string;
  watched: number;
  archived: number;
  /** 0..1 */
  risk_score: number;
  risk_severity: string;
  /** JSON array of RiskFactor. */
  risk_factors: string;
}

export interface IdentityGroupsTable {
  group_id: string;
  domain: string;
  name_key: string;
  name: string;
  privileged: number;
}

export interface IdentityGroupMembersTable {
  group_id: string;
  entity_id: string;
}

export interface IdentityEventsTable {
  event_id: string;
  event_type: string;
  category: string;
  timestamp: string;
  sensor_device_id: string | null;
  user_entity_id: string | null;
  user_name: string;
  domain: string;
  endpoint_entity_id: string | null;
  target_entity_id: string | null;
  source_ip: string | null;
  source_host: string | null;
  target_host: string | null;
  protocol: string;
  result: string;
  service: string | null;
  rule_id: string | null;
  rule_name: string | null;
  simulated: number;
  incident_id: string | null;
  description: string;
}

export interface IdentityIncidentsTable {
  incident_id: string;
  type: string;
  severity: string;
  lifecycle_stage: string;
  start_time: string;
  end_time: string;
  updated_at: string;
  subject: string;
  description: string;
  rule_id: string | null;
  entity_ids: string;
  comments: string;
  marked_as_read: number;
}

export interface IdentityPolicyRulesTable {
  id: string;
  name: string;
  enabled: number;
  simulation_mode: number;
  action: string;
  trigger: string;
  conditions: string;
  created_by: string;
  created_at: string;
}

export interface IdentityTables {
  identity_sensors: IdentitySensorsTable;
  identity_entities: IdentityEntitiesTable;
  identity_groups: IdentityGroupsTable;
  identity_group_members: IdentityGroupMembersTable;
  identity_events: IdentityEventsTable;
  identity_incidents: IdentityIncidentsTable;
  identity_policy_rules: IdentityPolicyRulesTable;
}
