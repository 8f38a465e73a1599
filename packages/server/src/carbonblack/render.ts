import { CB_CHECK_IN_TIMEOUT_S, CB_OS, CB_SESSION_TIMEOUT_S, cbStatus, supportedCommands, type CbCommandView, type CbDevice, type CbFile, type CbSession } from '@riposte/core';

/** Records of the Carbon Black model in the vendor's field names (seed 003 and the Devices API). */

/** `2021-10-22T16:23:35Z`: the vendor's whole-second times. */
const seconds = (iso: string) => (iso ? iso.replace(/\.\d+Z$/, 'Z') : iso);

export function renderSession(s: CbSession): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: `${s.id}:${s.cb_device_id}`,
    device_id: s.cb_device_id,
    check_in_timeout: CB_CHECK_IN_TIMEOUT_S,
    session_timeout: CB_SESSION_TIMEOUT_S,
    status: s.status,
    current_command_index: s.current_command_index,
    create_time: s.created_at,
    device_check_in_time: s.device_check_in_time,
  };
  if (s.status === 'ACTIVE') {
    Object.assign(out, {
      hostname: s.hostname,
      address: s.address,
      os_version: s.os_version,
      current_working_directory: s.cwd,
      supported_commands: supportedCommands(s.platform),
      drives: drives(s),
      sensor_check_in_time: s.device_check_in_time,
    });
  }
  return out;
}

/** The file-system roots the session can name: `/` on POSIX; on Windows the drive of the directory the agent reported. */
function drives(s: CbSession): string[] {
  if (s.platform !== 'windows') return ['/'];
  const m = /^([A-Za-z]:)/.exec(s.cwd);
  return m ? [`${m[1].toUpperCase()}\\`] : [];
}

export function renderFile(f: CbFile): Record<string, unknown> {
  return { id: f.id, size: f.size, file_name: f.file_name, size_fileed: f.size, upload_url: null };
}

/**
 * HRESULTs for the agent's error codes, as the vendor's sensor reports failures (`result_type`
 * WinHresult); E_FAIL for anything without a closer match.
 */
const HRESULTS: Record<string, number> = {
  not_found: -2147024894, // 0x80070002 ERROR_FILE_NOT_FOUND
  permission_denied: -2147024891, // 0x80070005 E_ACCESSDENIED
  already_exists: -2147024713, // 0x800700B7 ERROR_ALREADY_EXISTS
  invalid_argument: -2147024809, // 0x80070057 E_INVALIDARG
  is_a_directory: -2147024809,
  not_a_directory: -2147024809,
  not_supported: -2147467263, // 0x80004001 E_NOTIMPL
  timeout: -2147023436, // 0x800705B4 ERROR_TIMEOUT
  timed_out: -2147023436,
  cancelled: -2147023673, // 0x800704C7 ERROR_CANCELLED
};
const E_FAIL = -2147467259;

export function renderCommand(v: CbCommandView): Record<string, unknown> {
  const c = v.command;
  const status = cbStatus(c);
  const ended = status === 'COMPLETE' || status === 'ERROR' || status === 'CANCELLED';
  const failed = status === 'ERROR' ? (c.error ?? { code: c.status, message: c.status === 'timed_out' ? 'the command timed out' : c.status }) : undefined;
  const out: Record<string, unknown> = {
    id: v.seq,
    name: v.name,
    status,
    input: { name: v.name, ...v.input },
    result_code: failed ? (HRESULTS[failed.code] ?? E_FAIL) : 0,
    ...(ended ? { result_type: 'WinHresult' } : {}),
    result_desc: failed ? failed.message : '',
    values: [],
    sub_keys: [],
    files: [],
    create_time: seconds(v.created_at),
    finish_time: c.completed_at ?? c.created_at,
  };
  const data = status === 'COMPLETE' ? (c.result ?? {}) : undefined;
  switch (v.name) {
    case 'directory list':
      if (data) out.files = ((data.entries ?? []) as Entry[]).map(renderEntry);
      break;
    case 'process list':
      out.processes = data ? ((data.processes ?? []) as Proc[]).map(renderProcess) : [];
      break;
    case 'create process':
      out.process_details = data ? { pid: Number(data.pid ?? 0), return_code: typeof data.exit_code === 'number' ? data.exit_code : data.exit_code === undefined ? 0 : -1 } : { pid: 0, return_code: -1 };
      break;
    case 'get file':
      out.file_details = { offset: Number(v.input.offset ?? 0), count: v.file?.sha256 ? v.file.size : Number(v.input.get_count ?? 0), file_id: v.file?.id ?? '' };
      break;
    case 'reg enum key':
      if (data) {
        out.values = ((data.values ?? []) as RegValue[]).map(renderRegValue);
        // Names under the key, as the vendor lists them (the agent reports full paths).
        out.sub_keys = ((data.subkeys ?? []) as string[]).map((k) => k.split('\\').pop() ?? k);
      }
      break;
    case 'reg query value':
      if (data) out.value = ((data.values ?? []) as RegValue[]).map(renderRegValue)[0] ?? null;
      break;
    case 'memdump':
      out.mem_dump = { compressing: false, complete: status === 'COMPLETE', dumping: status === 'IN_PROGRESS', return_code: failed ? (HRESULTS[failed.code] ?? E_FAIL) : 0, percentdone: status === 'COMPLETE' ? 100 : 0 };
      if (typeof v.input.object === 'string') out.dump_name = v.input.object;
      break;
  }
  return out;
}

interface Entry { name: string; type: string; size: number; mode: string; mtime: string; atime: string; birthtime: string }
interface Proc { pid: number; ppid: number; path: string; command_line: string; user: string; start_time: string }
interface RegValue { name: string; type: string; data: unknown }

/** Windows attribute letters as the agent reports them (`DA`, `AR`), or the POSIX file type. */
function attributes(e: Entry): string[] {
  if (/^[DARHS]+$/.test(e.mode)) {
    const names: Record<string, string> = { D: 'DIRECTORY', A: 'ARCHIVE', R: 'READONLY', H: 'HIDDEN', S: 'SYSTEM' };
    return [...e.mode].map((l) => names[l]);
  }
  if (e.type === 'directory') return ['DIRECTORY'];
  if (e.type === 'symlink') return ['REPARSE_POINT'];
  return ['NORMAL'];
}

function renderEntry(e: Entry): Record<string, unknown> {
  return {
    filename: e.name,
    attributes: attributes(e),
    size: e.type === 'directory' ? 0 : e.size,
    // Creation time only where the file system records one.
    ...(e.birthtime ? { create_time: seconds(e.birthtime) } : {}),
    last_access_time: seconds(e.atime),
    last_write_time: seconds(e.mtime),
    alternate_name: '',
  };
}

function renderProcess(p: Proc): Record<string, unknown> {
  return {
    process_pid: p.pid,
    parent_pid: p.ppid,
    process_path: p.path,
    process_cmdline: p.command_line,
    process_username: p.user,
    ...(p.start_time ? { create_time: seconds(p.start_time), process_create_time: Math.floor(Date.parse(p.start_time) / 1000) } : {}),
  };
}

function renderRegValue(r: RegValue): Record<string, unknown> {
  return { value_name: r.name, value_type: r.type, value_data: r.data, registry_name: r.name, registry_type: r.type, registry_data: r.data };
}

export function renderDevice(d: CbDevice): Record<string, unknown> {
  const h = d.host;
  return {
    id: Number(h.cb_device_id),
    name: h.hostname,
    os: CB_OS[h.platform_name] ?? 'OTHER',
    os_version: h.os_version,
    status: 'REGISTERED',
    last_contact_time: h.last_seen,
    registered_time: h.first_seen,
    last_internal_ip_address: h.local_ip,
    last_external_ip_address: h.external_ip,
    mac_address: h.mac_address,
    sensor_version: h.agent_version,
    sensor_states: [d.live_response_disabled ? 'LIVE_RESPONSE_DISABLED' : 'LIVE_RESPONSE_ENABLED'],
    quarantined: h.status === 'contained',
  };
}
