import crypto from 'node:crypto';
import { ServiceError, type CommandRecord, type Core, type RtrCommandEntry, type RtrCommandView, type RtrIssueItem, type RtrSession } from '@riposte/core';
import type { CallOf, SomeFalconHandlers } from '../call.ts';
import type { FalconError, FalconResult } from '../envelope.ts';
import { callerOf, libraryFor, translateContext } from './caller.ts';
import { platformRefusal, tierRefusal, type AgentTranslation, type Platform, type ParsedCommand, type Tier, type Translation } from './catalog.ts';
import { answer, issueItem, parseLine, translate } from './execute.ts';
import { hostError, viewOutput } from './models.ts';
import { resolveTimeouts } from './timeouts.ts';

/** One host's line in a batch answer (domain.MultiStatusSensorResponse). */
function hostResult(aid: string, fields: { session_id?: string; task_id?: string; complete?: boolean; stdout?: string; stderr?: string; offline_queued?: boolean; query_time?: number; errors?: FalconError[]; base_command?: string }) {
  return {
    aid,
    session_id: fields.session_id ?? '',
    task_id: fields.task_id ?? '',
    complete: fields.complete ?? false,
    stdout: fields.stdout ?? '',
    stderr: fields.stderr ?? '',
    offline_queued: fields.offline_queued ?? false,
    query_time: fields.query_time ?? 0,
    errors: fields.errors ?? [],
    base_command: fields.base_command ?? '',
  };
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(6));
/** What a fan-out keeps for answering after it has waited. */
const ANSWER_MARGIN_MS = 500;

/**
 * Batch operations. A batch command is parsed and tier-checked once (bad input is a 400 before
 * anything is issued), translated once per platform, issued to every host with one `issueMany`,
 * and waited for up to the request timeout; every host is reported under combined.resources,
 * including those refused, offline or still running (with a per-host error).
 */
export function batchHandlers(core: Core) {
  async function fanOut(
    call: CallOf<'BatchCmd' | 'BatchActiveResponderCmd' | 'BatchAdminCmd' | 'BatchGetCmd'>,
    tier: Tier,
    line: { base_command: string; command_string: string },
    opts: { batch_id: string; optional_hosts?: string[]; persist_all?: boolean; parsed?: ParsedCommand; translation?: AgentTranslation; fanout_id?: string },
  ): Promise<{ resources: Record<string, unknown>; fanout_id: string }> {
    const started = Date.now();
    const caller = callerOf(call);
    const { requestMs, hostMs } = resolveTimeouts(call.query ?? {});
    const batch = await core.rtr.batches.get(opts.batch_id, caller);
    const parsed = opts.parsed;
    if (parsed) {
      const refusal = tierRefusal(parsed.def, tier, 'batch');
      if (refusal) throw new ServiceError('bad_input', refusal);
    }
    const resources: Record<string, unknown> = {};
    let sessions = batch.sessions;
    if (opts.optional_hosts?.length) {
      const wanted = new Set(opts.optional_hosts);
      sessions = sessions.filter((s) => wanted.has(s.device_id));
      const inBatch = new Set(batch.sessions.map((s) => s.device_id));
      for (const aid of wanted) {
        if (!inBatch.has(aid)) resources[aid] = hostResult(aid, { base_command: line.base_command, errors: [{ code: 404, message: `host ${aid.slice(0, 64)} is not in batch ${batch.id}` }] });
      }
    }
    await core.rtr.sessions.settlePwd(sessions);

    // A command reads the same on every host of a platform: translate once per platform.
    const library = libraryFor(core, caller);
    const byPlatform = new Map<Platform, Promise<Translation | ServiceError>>();
    const translationFor = (s: RtrSession) => {
      if (!byPlatform.has(s.platform)) {
        const refusal = parsed ? platformRefusal(parsed.def, s.platform) : undefined;
        byPlatform.set(
          s.platform,
          refusal
            ? Promise.resolve(new ServiceError('bad_input', refusal))
            : opts.translation
              ? Promise.resolve(opts.translation)
              : translate(parsed!, translateContext(s, caller, library)).catch((e: unknown) => (e instanceof ServiceError ? e : Promise.reject(e))),
        );
      }
      return byPlatform.get(s.platform)!;
    };

    const items: RtrIssueItem[] = [];
    let unusable: ServiceError | undefined;
    let unusableFor = 0;
    for (const s of sessions) {
      const tr = await translationFor(s);
      if (tr instanceof ServiceError) {
        unusable = tr;
        unusableFor++;
        resources[s.device_id] = hostResult(s.device_id, { session_id: s.id, base_command: line.base_command, errors: [hostError(tr)] });
      } else if (tr.kind === 'server') {
        const entry = await answer(core, s, caller, tr, line, tier);
        resources[s.device_id] = hostResult(s.device_id, { session_id: s.id, task_id: entry.id, complete: true, stdout: entry.stdout ?? '', stderr: entry.stderr ?? '', base_command: line.base_command });
      } else {
        items.push({ ...issueItem(s, line, tier, { ...tr, timeout_ms: Math.min(tr.timeout_ms, hostMs) }, s.queue_offline || !!opts.persist_all) });
      }
    }

    // A line that suits no host of the batch (a missing put-file, reg on Linux only) is the caller's error.
    if (unusable && unusableFor === sessions.length) throw unusable;
    const fanout_id = opts.fanout_id ?? crypto.randomUUID();
    const { issued, refused } = await core.rtr.log.issue(items, caller, { batch_id: batch.id, fanout_id });
    for (const r of refused) resources[r.session.device_id] = hostResult(r.session.device_id, { session_id: r.session.id, base_command: line.base_command, errors: [hostError(r.error)] });

    // Wait for the hosts that can answer now; queued ones will answer when they come back.
    const waitFor = issued.filter((i) => !i.queued_offline).map((i) => i.command.id);
    const remaining = requestMs - (Date.now() - started) - ANSWER_MARGIN_MS;
    const done = new Map((waitFor.length && remaining > 0 ? await core.commands.waitAll(waitFor, remaining) : await core.commands.getMany(issued.map((i) => i.command.id))).map((c) => [c.id, c]));
    if (parsed?.def.command === 'cd') await core.rtr.sessions.settlePwd(sessions);
    const chained = await runChains(issued.filter((i) => i.entry.chain), done, started + requestMs - ANSWER_MARGIN_MS);

    const sessionById = new Map(sessions.map((s) => [s.id, s]));
    const now = Date.now();
    for (const i of issued) {
      const session = sessionById.get(i.entry.session_id)!;
      const c = done.get(i.command.id) ?? i.command;
      const view = chained.get(i.entry.id) ?? (i.entry.chain ? { entry: i.entry, first: c } : { entry: i.entry, command: c });
      const out = viewOutput(view, session);
      const last = view.command ?? c;
      const errors: FalconError[] = [];
      if (!out.complete && !i.queued_offline) {
        errors.push({ code: 408, message: `the host did not answer within ${seconds(requestMs)}s; the command goes on: check it with RTR_CheckCommandStatus and this task_id` });
      }
      resources[i.entry.device_id] = hostResult(i.entry.device_id, {
        session_id: i.entry.session_id,
        task_id: i.entry.id,
        complete: out.complete,
        stdout: out.stdout,
        stderr: out.stderr,
        offline_queued: i.queued_offline && c.status === 'queued',
        query_time: seconds((last.completed_at ? Date.parse(last.completed_at) : now) - Date.parse(c.created_at)),
        errors,
        base_command: line.base_command,
      });
    }
    return { resources, fanout_id };
  }

  /** put-and-run across a batch: start each run once its put has landed, and wait for the runs too. */
  async function runChains(chainedItems: { entry: RtrCommandEntry }[], done: Map<string, CommandRecord>, deadline: number): Promise<Map<string, RtrCommandView>> {
    const views = new Map<string, RtrCommandView>();
    if (chainedItems.length === 0) return views;
    const caller = { id: chainedItems[0].entry.client_id };
    for (const { entry } of chainedItems) {
      if (done.get(entry.command_id)?.status !== 'complete') continue;
      views.set(entry.id, (await core.rtr.log.get(entry.id, caller)).view);
    }
    const runs = [...views.values()].map((v) => v.command?.id).filter((id): id is string => !!id);
    if (runs.length && deadline > Date.now()) {
      const finished = new Map((await core.commands.waitAll(runs, deadline - Date.now())).map((c) => [c.id, c]));
      for (const v of views.values()) if (v.command) v.command = finished.get(v.command.id) ?? v.command;
    }
    return views;
  }

  const batchCommand = (tier: Tier) => async (call: CallOf<'BatchCmd' | 'BatchActiveResponderCmd' | 'BatchAdminCmd'>): Promise<FalconResult> => {
    const body = call.body;
    const line = { base_command: body.base_command, command_string: body.command_string };
    const parsed = parseLine(line.base_command, line.command_string);
    const { resources } = await fanOut(call, tier, line, { ...body, parsed });
    return { extra: { combined: { resources } } };
  };

  return {
    async BatchInitSessions(call) {
      const caller = callerOf(call);
      resolveTimeouts(call.query ?? {});
      const body = call.body;
      const { batch, created, refused } = await core.rtr.batches.init(body.host_ids, caller, { queue_offline: !!body.queue_offline, existing_batch_id: body.existing_batch_id || undefined });
      const resources: Record<string, unknown> = {};
      for (const r of refused) resources[r.device_id] = hostResult(r.device_id, { errors: [hostError(r.error)] });
      if (!batch) {
        return { status: 404, extra: { batch_id: '' }, resources, errors: [{ code: 404, message: `no session could be opened on any of the ${new Set(body.host_ids).size} host(s); see resources for each host` }] };
      }
      const fresh = new Set(created.map((s) => s.id));
      for (const s of batch.sessions) {
        resources[s.device_id] = hostResult(s.device_id, { session_id: s.id, complete: true, offline_queued: s.offline_queued, stdout: fresh.has(s.id) ? '' : 'already in the batch' });
      }
      return { extra: { batch_id: batch.id }, resources };
    },

    async BatchRefreshSessions(call) {
      const caller = callerOf(call);
      resolveTimeouts(call.query ?? {});
      const body = call.body;
      const batch = await core.rtr.batches.refresh(body.batch_id, caller, body.hosts_to_remove ?? []);
      const resources: Record<string, unknown> = {};
      for (const s of batch.sessions) resources[s.device_id] = { aid: s.device_id, session_id: s.id, errors: [] };
      return { resources };
    },

    BatchCmd: batchCommand('read'),
    BatchActiveResponderCmd: batchCommand('active'),
    BatchAdminCmd: batchCommand('admin'),

    async BatchGetCmd(call) {
      const body = call.body;
      if (body.file_path.includes('\0')) throw new ServiceError('bad_input', 'file_path must not contain NUL characters');
      const quoted = body.file_path.includes('"') ? body.file_path : `"${body.file_path}"`;
      const line = { base_command: 'get', command_string: `get ${quoted}` };
      const translation: AgentTranslation = { kind: 'agent', name: 'get', args: { path: body.file_path }, capability: 'get', timeout_ms: 600_000 };
      const { resources, fanout_id } = await fanOut(call, 'active', line, { batch_id: body.batch_id, optional_hosts: body.optional_hosts, translation });
      return { extra: { batch_get_cmd_req_id: fanout_id, combined: { resources } } };
    },

    async BatchGetCmdStatus(call) {
      const caller = callerOf(call);
      resolveTimeouts(call.query ?? {});
      const id = call.query.batch_get_cmd_req_id;
      const files = await core.rtr.files.forFanout(id, caller);
      if (files.length === 0) throw new ServiceError('not_found', `batch_get_cmd_req_id ${id.slice(0, 64)} not found`);
      const resources: Record<string, unknown> = {};
      const errors: FalconError[] = [];
      for (const f of files) {
        if (f.status === 'complete') {
          resources[f.device_id] = { session_id: f.session_id, cloud_request_id: f.cloud_request_id, id: f.id, name: f.path, sha256: f.sha256, size: f.size, created_at: f.created_at, updated_at: f.updated_at, deleted_at: f.deleted_at };
        } else if (f.status === 'error') {
          errors.push({ code: 400, message: `${f.device_id}: ${f.error_message}`, id: f.device_id });
        }
      }
      return { resources, errors };
    },
  } satisfies SomeFalconHandlers;
}
