import type { Generated } from 'kysely';

/** Row types of the live-response tables (migrations 0004 and 0008); listed in `Database` (db/schema.ts). */

/** A set of sessions opened together (BatchInitSessions); its sessions carry its id. */
export interface RtrBatchesTable {
  id: string;
  /** API client that opened it: only it may use it. */
  client_id: string;
  queue_offline: number;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

/** One responder's session on one host. */
export interface RtrSessionsTable {
  id: string;
  device_id: string;
  client_id: string;
  client_name: string;
  origin: string;
  /** '' for a single session. */
  batch_id: string;
  /** Commands for an offline host wait for it (instead of failing). */
  queue_offline: number;
  /** The host was offline when the session opened: the session itself is queued. */
  offline_queued: number;
  /** windows | linux | mac, captured when the session opened. */
  platform: string;
  hostname: string;
  /** Current directory; follows completed `cd` commands. */
  pwd: string;
  created_at: string;
  updated_at: string;
  /** Idle expiry: 10 minutes after the last use (7 days while queued for an offline host). */
  expires_at: string;
  deleted_at: string | null;
}

/** One command of a session, by its Falcon `cloud_request_id` (= `id`). */
export interface RtrCommandsTable {
  id: string;
  session_id: string;
  device_id: string;
  client_id: string;
  /** The internal command (commands.id); '' when the server answered (help, history, clear). */
  command_id: string;
  base_command: string;
  command_string: string;
  /** read | active | admin: the endpoint tier it came through. */
  tier: string;
  /** The session's directory when it was issued. */
  current_directory: string;
  batch_id: string;
  /** One fan-out of a batch command (BatchGetCmd's batch_get_cmd_req_id); '' for single commands. */
  fanout_id: string;
  /** Output of server-answered commands. */
  stdout: string | null;
  stderr: string | null;
  /** JSON of a follow-up command issued once this one completes (put-and-run's run). */
  chain: string | null;
  chain_command_id: string;
  created_at: string;
  updated_at: string;
}

/**
 * One batch command (fan-out): the line all its hosts got. Each host's part is its internal
 * command (commands.batch_id = id), which is that host's log entry (migration 0008).
 */
export interface RtrFanoutsTable {
  id: string;
  batch_id: string;
  client_id: string;
  base_command: string;
  command_string: string;
  tier: string;
  created_at: string;
}

/** A file retrieved with `get`: pending until its command completes. */
export interface RtrFilesTable {
  id: Generated<number>;
  session_id: string;
  device_id: string;
  client_id: string;
  cloud_request_id: string;
  command_id: string;
  fanout_id: string;
  /** As requested; replaced by the absolute path once retrieved. */
  path: string;
  name: string;
  sha256: string;
  size: number;
  /** pending | complete | error */
  status: string;
  error_message: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface RtrTables {
  rtr_batches: RtrBatchesTable;
  rtr_sessions: RtrSessionsTable;
  rtr_commands: RtrCommandsTable;
  rtr_fanouts: RtrFanoutsTable;
  rtr_files: RtrFilesTable;
}
