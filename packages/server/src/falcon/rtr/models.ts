/** Core RTR records in Falcon's field names (domain.InitResponse, domain.Session, model.File, …). */
import { ServiceError, type CommandRecord, type RtrCommandView, type RtrFile, type RtrSession } from '@riposte/core';
import type { FalconError } from '../envelope.ts';
import { parseCommand, platformLabel, type Tier } from './catalog.ts';
import { scriptsFor } from './help.ts';
import { chunkAt, renderCommand, sequenceCount, type Rendered, type RenderedStatus } from './render/index.ts';

export function initResource(opened: { session: RtrSession; existing_sessions: number; previous_commands: string[] }, role: Tier): Record<string, unknown> {
  const s = opened.session;
  return {
    session_id: s.id,
    scripts: scriptsFor(role, s.platform),
    created_at: s.created_at,
    pwd: s.pwd,
    offline_queued: s.offline_queued,
    existing_aid_sessions: opened.existing_sessions,
    previous_commands: opened.previous_commands,
    platform: s.platform,
    device_id: s.device_id,
  };
}

/** The vendor's per-host error for an offline sensor; other refusals keep their status and message. */
export function hostError(err: unknown): FalconError {
  if (err instanceof ServiceError) {
    if (err.kind === 'host_offline') return { code: 40407, message: 'Sensor appears to be offline' };
    return { code: err.status, message: err.message };
  }
  return { code: 500, message: 'internal server error' };
}

/** The Falcon options of a logged command line (for renderers such as cat -ShowHex). */
function optionsOf(view: RtrCommandView): Record<string, string | true> {
  try {
    return parseCommand(view.entry.base_command, view.entry.command_string).args.options;
  } catch {
    return {};
  }
}

const TERMINAL = new Set(['complete', 'error', 'cancelled', 'timed_out']);

/** Where a logged command stands, as text: server answers, host results, put-and-run's two steps. */
export function viewOutput(view: RtrCommandView, session: RtrSession): RenderedStatus {
  const { entry } = view;
  const ctx = { platform: session.platform, options: optionsOf(view) };
  if (!entry.command_id) return { complete: true, stdout: entry.stdout ?? '', stderr: entry.stderr ?? '' };
  if (!entry.chain) return view.command ? renderCommand(view.command, ctx) : { complete: false, stdout: '', stderr: '' };
  // put-and-run: the put, then (once it landed) the run.
  const first = view.first;
  if (!first || !TERMINAL.has(first.status)) return { complete: false, stdout: '', stderr: '' };
  const put = renderCommand(first, ctx);
  if (first.status !== 'complete') return put;
  if (entry.chain_command_id === '!failed') return { complete: true, stdout: put.stdout, stderr: entry.stderr ?? '' };
  if (!view.command) return { complete: false, stdout: put.stdout, stderr: '' };
  const run = renderCommand(view.command, ctx);
  return { complete: run.complete, stdout: put.stdout + run.stdout, stderr: run.stderr };
}

export function statusResource(view: RtrCommandView, out: Rendered & { complete: boolean }, sequence: number, sessionId: string): Record<string, unknown> {
  return {
    session_id: sessionId,
    task_id: view.entry.id,
    complete: out.complete,
    stdout: out.stdout,
    stderr: out.stderr,
    base_command: view.entry.base_command,
    sequence_id: sequence,
  };
}

/** The sequence asked for, or a 404 that says how many there are. */
export function sequenceOf(out: RenderedStatus, sequence: number): RenderedStatus {
  const chunk = chunkAt(out, sequence);
  if (!chunk) {
    const count = sequenceCount(out);
    const what = out.complete ? `this output has ${count} sequence${count === 1 ? '' : 's'} (sequence_id 0 to ${count - 1})` : 'the command has not completed: only sequence_id 0 exists yet';
    throw new ServiceError('not_found', `sequence_id ${sequence} is out of range: ${what}`);
  }
  return { ...chunk, complete: out.complete };
}

function durationSeconds(s: RtrSession): number {
  const end = s.deleted_at ?? s.updated_at;
  return Math.max(0, Math.round((Date.parse(end) - Date.parse(s.created_at)) / 1000));
}

const queued = (c: CommandRecord | undefined) => c?.status === 'queued';

/** domain.Session, with `logs` (and each command's response when `withResponse`). */
export function sessionResource(s: RtrSession & { logs: RtrCommandView[] }, cid: string, withResponse: boolean): Record<string, unknown> {
  return {
    id: s.id,
    cid,
    device_id: s.device_id,
    hostname: s.hostname,
    origin: s.origin,
    platform_name: platformLabel(s.platform),
    pwd: s.pwd,
    user_id: s.client_id,
    user_uuid: s.client_id,
    user_name: s.client_name,
    batch_id: s.batch_id,
    offline_queued: s.offline_queued,
    commands_queued: s.logs.some((v) => queued(v.command) || queued(v.first)),
    cloud_request_ids: s.logs.map((v) => v.entry.id),
    created_at: s.created_at,
    updated_at: s.updated_at,
    deleted_at: s.deleted_at,
    duration: durationSeconds(s),
    logs: s.logs.map((v, i) => {
      const log: Record<string, unknown> = {
        id: i + 1,
        session_id: s.id,
        cloud_request_id: v.entry.id,
        base_command: v.entry.base_command,
        command_string: v.entry.command_string,
        current_directory: v.entry.current_directory,
        created_at: v.entry.created_at,
        updated_at: v.entry.updated_at,
      };
      if (withResponse) {
        const out = viewOutput(v, s);
        const first = chunkAt(out, 0)!;
        log.response = { complete: out.complete, stdout: first.stdout, stderr: first.stderr, task_id: v.entry.id, base_command: v.entry.base_command, sequence_id: 0 };
      }
      return log;
    }),
  };
}

export function fileV1(f: RtrFile): Record<string, unknown> {
  return {
    id: f.id,
    session_id: f.session_id,
    cloud_request_id: f.cloud_request_id,
    // Falcon names a retrieved file by its full path on the host.
    name: f.path,
    file_name: f.name,
    sha256: f.sha256,
    size: f.size,
    created_at: f.created_at,
    updated_at: f.updated_at,
    deleted_at: f.deleted_at,
  };
}

export function fileV2(f: RtrFile): Record<string, unknown> {
  const complete = f.status === 'complete';
  return {
    ...fileV1(f),
    id: String(f.id),
    complete,
    status: complete ? 'COMPLETE' : f.status === 'error' ? 'FAILED' : 'PENDING',
    stage: complete ? 'complete' : f.status === 'error' ? 'failed' : 'pending',
    progress: complete ? 100 : 0,
    error_message: f.error_message,
  };
}
