import type { Generated } from 'kysely';
import type { RtrLibraryTables } from '../rtr-library/index.ts';
import type { PolicyTables } from '../policies/index.ts';
import type { RtrTables } from '../rtr/index.ts';
import type { CbTables } from '../carbonblack/index.ts';
import type { IdentityTables } from '../identity/index.ts';

/**
 * Row types of every table. Timestamps are ISO-8601 UTC strings (`2026-01-02T03:04:05.678Z`) in
 * both SQLite and PostgreSQL so that ordering and FQL date comparisons behave the same; booleans
 * are integers 0/1; lists and objects are JSON text.
 */

export interface SettingsTable {
  key: string;
  value: string;
}

export interface ApiClientsTable {
  client_id: string;
  name: string;
  description: string;
  secret_hash: string;
  /** JSON array of scope strings. */
  scopes: string;
  created_at: string;
}

export interface ApiTokensTable {
  /** sha256 of the bearer token; the token itself is never stored. */
  token_hash: string;
  client_id: string;
  issued_at: string;
  expires_at: string;
  revoked: number;
}

export interface EnrollTokensTable {
  id: string;
  token_hash: string;
  description: string;
  created_at: string;
  revoked: number;
  /** No enrollments after this time; null: never expires. */
  expires_at: string | null;
  /** Enrollments allowed in all; null: unlimited. */
  max_uses: number | null;
  uses: Generated<number>;
  /** JSON array of tags given to every host enrolled with the token. */
  tags: Generated<string>;
  last_used_at: string | null;
}

/** Revoked agent identities (their secret is cleared in `hosts`); replicas close their sockets. */
export interface AgentRevocationsTable {
  device_id: string;
  revoked_at: string;
  actor: string;
}

export interface HostsTable {
  device_id: string;
  /** Numeric id under which the Carbon Black dialect knows the host. */
  cb_device_id: number;
  hostname: string;
  platform_name: string;
  os_version: string;
  os_product_name: string;
  os_build: string;
  kernel_version: string;
  major_version: string;
  minor_version: string;
  product_type_desc: string;
  local_ip: string;
  external_ip: string;
  connection_ip: string;
  mac_address: string;
  connection_mac_address: string;
  default_gateway_ip: string;
  machine_domain: string;
  agent_version: string;
  system_manufacturer: string;
  system_product_name: string;
  serial_number: string;
  cpu_vendor: string;
  bios_manufacturer: string;
  bios_version: string;
  pointer_size: string;
  last_login_user: string;
  last_login_timestamp: string | null;
  first_seen: string;
  last_seen: string;
  modified_timestamp: string;
  chassis_type: Generated<string>;
  ou: Generated<string>;
  site_name: Generated<string>;
  chassis_type_desc: Generated<string>;
  product_type: Generated<string>;
  last_reboot: Generated<string>;
  /** The agent's clock at its last report, with its UTC offset. */
  agent_local_time: Generated<string>;
  host_utc_offset: Generated<string>;
  first_login_user: Generated<string>;
  first_login_timestamp: Generated<string>;
  /** normal | containment_pending | contained | lift_containment_pending */
  status: string;
  /** Why the agent could not contain (or lift containment); '' when it has not failed. */
  containment_failed: Generated<string>;
  detection_suppressed: Generated<number>;
  /** 1 while the agent holds a connection to some replica. */
  online: number;
  hidden: number;
  /** Bumped by every change to what the API shows of the host except last_seen (renderings are cached by it). */
  revision: number;
  /** scrypt hash of the agent's secret; empty for hosts registered by other means. */
  agent_secret_hash: string;
}

export interface HostTagsTable {
  device_id: string;
  tag: string;
}

export interface HostLoginsTable {
  id: Generated<number>;
  device_id: string;
  user_name: string;
  login_time: string;
  /** Interactive, Remote interactive, Elevation, … */
  login_type: Generated<string>;
  remote_address: Generated<string>;
  /** 0 for a failed attempt. */
  success: Generated<number>;
}

export interface HostAddressHistoryTable {
  id: Generated<number>;
  device_id: string;
  ip_address: string;
  mac_address: string;
  timestamp: string;
}

export interface HostGroupsTable {
  id: string;
  name: string;
  /** Lowercased name: group names are unique case-insensitively. */
  name_key: string;
  description: string;
  group_type: string;
  assignment_rule: string;
  created_by: string;
  created_timestamp: string;
  modified_by: string;
  modified_timestamp: string;
}

export interface HostGroupMembersTable {
  group_id: string;
  device_id: string;
}

/** Content-addressed blobs (put-files, scripts, retrieved files, dumps) known to the store. */
export interface BlobsTable {
  sha256: string;
  size: number;
  created_at: string;
}

/** One file movement between an agent and the blob store, authorised by a one-time token. */
export interface TransfersTable {
  id: string;
  token_hash: string;
  command_id: string;
  device_id: string;
  /** upload: agent → server (get, memdump); download: server → agent (put). */
  direction: 'upload' | 'download';
  /** download: the blob to send; upload: the digest once complete ('' before). */
  sha256: string;
  size: number;
  max_size: number;
  /** Bytes received so far (upload), for resuming by offset. */
  received: number;
  status: 'open' | 'complete' | 'failed';
  created_at: string;
  expires_at: string;
  completed_at: string | null;
}

export type CommandStatus = 'queued' | 'sent' | 'running' | 'complete' | 'error' | 'cancelled' | 'timed_out';

/** One unit of work for one agent. Written before the API answers; never lost. */
export interface CommandsTable {
  id: string;
  device_id: string;
  /** Session (dialect-level) the command belongs to; '' when issued outside a session. */
  session_id: string;
  /** Fan-out group; '' for single commands. */
  batch_id: string;
  name: string;
  /** JSON of the command's arguments. */
  args: string;
  cwd: string;
  status: CommandStatus;
  queue_offline: number;
  timeout_ms: number;
  issued_by: string;
  created_at: string;
  /** After this the command ends `timed_out` unless it has ended already. */
  expires_at: string;
  sent_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  /** JSON of the agent's structured result data. */
  result: string | null;
  result_cwd: string | null;
  error_code: string | null;
  error_message: string | null;
}

export interface AuditEventsTable {
  id: string;
  timestamp: string;
  actor: string;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string;
  device_id: string;
  /** JSON, or null when not applicable. */
  before: string | null;
  after: string | null;
  details: string;
}

export interface ConsoleUsersTable {
  id: string;
  name: string;
  /** One of CONSOLE_ROLES. */
  role: string;
  password_hash: string;
  must_change_password: number;
  created_at: string;
}

export interface ConsoleSessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface Database extends RtrLibraryTables, PolicyTables, RtrTables, CbTables, IdentityTables {
  settings: SettingsTable;
  api_clients: ApiClientsTable;
  api_tokens: ApiTokensTable;
  enroll_tokens: EnrollTokensTable;
  agent_revocations: AgentRevocationsTable;
  hosts: HostsTable;
  host_tags: HostTagsTable;
  host_logins: HostLoginsTable;
  host_address_history: HostAddressHistoryTable;
  host_groups: HostGroupsTable;
  host_group_members: HostGroupMembersTable;
  blobs: BlobsTable;
  transfers: TransfersTable;
  commands: CommandsTable;
  audit_events: AuditEventsTable;
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
}
