import type { Generated } from 'kysely';

/** Row types of the Carbon Black dialect's tables (migration 0012); listed in `Database` (db/schema.ts). */

/** An API key: `X-Auth-Token: {secret}/{id}`. */
export interface CbApiKeysTable {
  id: string;
  name: string;
  secret_hash: string;
  /** JSON array of grants, `org.liveresponse.session:CREATE`. */
  grants: string;
  created_at: string;
  revoked_at: string | null;
}

/** The one shared live response session of a device; `{id}:{cb_device_id}` on the wire. */
export interface CbSessionsTable {
  id: Generated<number>;
  device_id: string;
  /** The RTR session underneath: its command log is what RTRAuditSessions shows. */
  rtr_session_id: string;
  /** The `pwd` sent at start: the session is ACTIVE once the agent has answered it. */
  probe_command_id: string;
  created_by: string;
  created_at: string;
  /** 15 minutes after the last use. */
  expires_at: string;
  closed_at: string | null;
}

/** One command of a session, numbered from 0 within the session. */
export interface CbCommandsTable {
  session_id: number;
  seq: number;
  /** The internal command. */
  command_id: string;
  name: string;
  /** JSON of the command's `input` as the API shows it. */
  input: string;
  api_key_id: string;
  /** `get file`: the session file that receives the content. */
  file_id: string;
  created_at: string;
}

/** A file of a session: uploaded for `put file`, or the content a `get file` retrieved. */
export interface CbFilesTable {
  id: string;
  session_id: number;
  /** upload | get */
  kind: string;
  file_name: string;
  /** '' until a get file has completed. */
  sha256: string;
  size: number;
  command_id: string;
  /** `get file`'s range of the retrieved content (count 0 = to the end). */
  range_offset: number;
  range_count: number;
  created_at: string;
  deleted_at: string | null;
}

/** Devices whose live response was disabled with POST /kill: for good. */
export interface CbDisabledDevicesTable {
  device_id: string;
  disabled_at: string;
  disabled_by: string;
}

export interface CbTables {
  cb_api_keys: CbApiKeysTable;
  cb_sessions: CbSessionsTable;
  cb_commands: CbCommandsTable;
  cb_files: CbFilesTable;
  cb_disabled_devices: CbDisabledDevicesTable;
}
