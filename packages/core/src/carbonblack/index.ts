/**
 * The Carbon Black Cloud Live Response model on the shared engine. The dialect plugin maps HTTP
 * to this service and renders its records in the vendor's field names; the rules live here:
 *
 * - One org key per deployment; API keys carry RBAC grants (`org.liveresponse.file:READ`).
 * - Each host has a stable numeric device id (hosts.cb_device_id) beside its Falcon id.
 * - A device has at most one live session, shared by every caller who starts one; it times out
 *   15 minutes after its last use (get, keepalive, a command). Underneath it is an RTR session,
 *   so its commands are in the RTR command log and RTRAuditSessions shows them.
 * - A session is PENDING until the agent has answered the `pwd` sent when it started.
 * - Commands are the 15 of the vendor's API, mapped onto the internal commands (`catalog.ts`) and
 *   issued through the RTR command log, so response policies judge them like Falcon commands.
 * - Files of a session: uploads (for put file) and the content get file retrieved, on the blob store.
 * - Disabling live response on a device (POST /kill) is for good: it is stored, and its session closed.
 */
import type { CommandRecord } from '../commands/index.ts';
import type { Platform } from '../platform.ts';

export { CB_SESSION_TIMEOUT_S, CB_CHECK_IN_TIMEOUT_S, CB_MAX_UPLOAD_BYTES } from './limits.ts';

export interface CbApiKey {
  id: string;
  name: string;
  grants: ReadonlySet<string>;
  created_at: string;
}

export interface CreatedCbApiKey extends CbApiKey {
  /** Shown once; only its digest is kept. */
  api_secret: string;
}

export interface CbSession {
  /** The number before the colon of the wire id. */
  id: number;
  device_id: string;
  cb_device_id: number;
  rtr_session_id: string;
  status: 'PENDING' | 'ACTIVE' | 'CLOSED';
  platform: Platform;
  hostname: string;
  os_version: string;
  address: string;
  /** From the agent's answer to the start probe; '' while PENDING. */
  cwd: string;
  /** When the agent last answered (the probe), or '' while PENDING. */
  device_check_in_time: string;
  current_command_index: number;
  created_at: string;
  expires_at: string;
}

/** What commands and files need of a live session: one indexed read instead of its whole view. */
export type CbSessionRef = Pick<CbSession, 'id' | 'device_id' | 'cb_device_id' | 'rtr_session_id' | 'platform' | 'expires_at'>;

export interface CbFile {
  id: string;
  session_id: number;
  kind: 'upload' | 'get';
  file_name: string;
  sha256: string;
  size: number;
  range_offset: number;
  range_count: number;
  created_at: string;
}

/** A command body as the API received it (`object` already folded into `path`). */
export interface CbCommandInput {
  name: string;
  path?: string;
  pid?: number;
  wait?: boolean;
  output_file?: string;
  working_directory?: string;
  file_id?: string;
  offset?: number;
  get_count?: number;
  overwrite?: boolean;
  value_type?: string;
  value_data?: string | number | string[];
  compress?: boolean;
}

export interface CbCommandView {
  seq: number;
  name: string;
  /** The command's `input` as the API shows it (path as `object`). */
  input: Record<string, unknown>;
  created_at: string;
  command: CommandRecord;
  /** get file: the session file that holds (or will hold) the content. */
  file?: CbFile;
}

export { CB_COMMANDS, commandSpec, supportedCommands, type CbCommandSpec } from './catalog.ts';
export { cbStatus } from './commands.ts';
export { CB_OS, type CbDevice, type CbDeviceSearch } from './devices.ts';
export { CbApiKeyService } from './api-keys.ts';
export { CarbonBlackService } from './service.ts';
export type { CbTables } from './tables.ts';
