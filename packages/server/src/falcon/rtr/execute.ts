import { ServiceError, TERMINAL_STATUSES, type Core, type RtrCommandEntry, type RtrIssueItem, type RtrSession } from '@riposte/core';
import type { CallOf, SomeFalconHandlers } from '../call.ts';
import type { FalconResult } from '../envelope.ts';
import { callerOf, libraryFor, translateContext } from './caller.ts';
import { CommandLineError } from './command-line.ts';
import { parseCommand, platformRefusal, tierRefusal, type AgentTranslation, type ParsedCommand, type RtrPrincipal, type ServerTranslation, type Tier, type TranslateContext, type Translation } from './catalog.ts';
import { helpText, historyText } from './help.ts';
import { hostError, sequenceOf, statusResource, viewOutput } from './models.ts';

/** How long a status check waits for a running command before answering `complete: false`. */
const STATUS_GRACE_MS = 200;

/** Syntax errors are the caller's: a 400 with the parser's message. */
export function badLine(err: unknown): never {
  if (err instanceof CommandLineError) throw new ServiceError('bad_input', err.message);
  throw err;
}

export function parseLine(baseCommand: string, commandString: string): ParsedCommand {
  try {
    return parseCommand(baseCommand, commandString);
  } catch (err) {
    badLine(err);
  }
}

export async function translate(parsed: ParsedCommand, ctx: TranslateContext): Promise<Translation> {
  try {
    return await parsed.def.translate(parsed.args, ctx);
  } catch (err) {
    badLine(err);
  }
}

/** The last component of a host path, by the host's separator conventions. */
export function baseName(p: string, platform: RtrSession['platform']): string {
  const parts = p.split(platform === 'windows' ? /[\\/]/ : /\//).filter(Boolean);
  return parts.at(-1) ?? p;
}

export function issueItem(
  session: RtrSession,
  line: { base_command: string; command_string: string },
  tier: Tier,
  tr: AgentTranslation,
  queueOffline: boolean,
): RtrIssueItem {
  return {
    session,
    ...line,
    tier,
    name: tr.name,
    args: tr.args,
    capability: tr.capability,
    timeout_ms: tr.timeout_ms,
    queue_offline: queueOffline,
    chain: tr.then,
    file: tr.name === 'get' ? { path: String(tr.args.path), name: baseName(String(tr.args.path), session.platform) } : undefined,
  };
}

/** help, history and clear never reach the host: answered and logged here. */
export async function answer(
  core: Core,
  session: RtrSession,
  caller: RtrPrincipal,
  tr: ServerTranslation,
  line: { base_command: string; command_string: string },
  tier: Tier,
): Promise<RtrCommandEntry> {
  let output = { stdout: '', stderr: '' };
  if (tr.action === 'help') output = helpText(tr.topic, caller.role, session.platform);
  if (tr.action === 'history') {
    const entries = await core.rtr.log.forSessions([session.id]);
    output = historyText([...entries, { command_string: line.command_string } as RtrCommandEntry]);
  }
  return core.rtr.log.recordAnswered(session, caller, { ...line, tier }, output);
}

/** RTR_Execute*Command and RTR_Check*CommandStatus, one pair per tier. */
export function executeHandlers(core: Core) {
  async function execute(call: CallOf<'RTR_ExecuteCommand' | 'RTR_ExecuteActiveResponderCommand' | 'RTR_ExecuteAdminCommand'>, tier: Tier): Promise<FalconResult> {
    const caller = callerOf(call);
    const body = call.body;
    const session = await core.rtr.sessions.get(body.session_id, caller, { live: true });
    if (body.device_id && body.device_id !== session.device_id) {
      throw new ServiceError('bad_input', `device_id ${body.device_id.slice(0, 64)} is not the host of session ${session.id}`);
    }
    const line = { base_command: body.base_command, command_string: body.command_string };
    const parsed = parseLine(line.base_command, line.command_string);
    const refusal = tierRefusal(parsed.def, tier) ?? platformRefusal(parsed.def, session.platform);
    if (refusal) throw new ServiceError('bad_input', refusal);
    await core.rtr.sessions.settlePwd([session]);
    const tr = await translate(parsed, translateContext(session, caller, libraryFor(core, caller)));
    if (tr.kind === 'server') {
      const entry = await answer(core, session, caller, tr, line, tier);
      return { resources: [{ session_id: session.id, cloud_request_id: entry.id, queued_command_offline: false }] };
    }
    const res = await core.rtr.log.issue([issueItem(session, line, tier, tr, session.queue_offline || !!body.persist)], caller);
    if (res.refused.length) {
      const err = res.refused[0].error;
      if (err.kind === 'host_offline') return { status: 404, errors: [hostError(err)] };
      throw err;
    }
    const [issued] = res.issued;
    return { resources: [{ session_id: session.id, cloud_request_id: issued.entry.id, queued_command_offline: issued.queued_offline && issued.command.status === 'queued' }] };
  }

  async function status(call: CallOf<'RTR_CheckCommandStatus' | 'RTR_CheckActiveResponderCommandStatus' | 'RTR_CheckAdminCommandStatus'>): Promise<FalconResult> {
    const caller = callerOf(call);
    const { cloud_request_id, sequence_id } = call.query;
    const { view, session } = await core.rtr.log.get(cloud_request_id, caller);
    // A command the host is still running gets a moment to finish before the answer: clients poll
    // in a loop, and most commands end within milliseconds, so one poll usually sees the result.
    if (view.command && !TERMINAL_STATUSES.includes(view.command.status)) view.command = await core.commands.wait(view.command.id, STATUS_GRACE_MS);
    const out = viewOutput(view, session);
    if (out.complete && view.command) {
      // What a finished command changed: the session's directory, a retrieved file.
      if (view.command.name === 'cd') await core.rtr.sessions.settlePwd([session]);
      if (view.command.name === 'get') await core.rtr.files.settle({ session_id: session.id });
    }
    const seq = sequence_id ?? 0;
    return { resources: [statusResource(view, sequenceOf(out, seq), seq, session.id)] };
  }

  return {
    RTR_ExecuteCommand: (call) => execute(call, 'read'),
    RTR_ExecuteActiveResponderCommand: (call) => execute(call, 'active'),
    RTR_ExecuteAdminCommand: (call) => execute(call, 'admin'),
    RTR_CheckCommandStatus: status,
    RTR_CheckActiveResponderCommandStatus: status,
    RTR_CheckAdminCommandStatus: status,
  } satisfies SomeFalconHandlers;
}
