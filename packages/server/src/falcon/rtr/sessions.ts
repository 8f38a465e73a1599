import { rtrSessionFqlSchema, ServiceError, type AggregateRequest, type Core } from '@riposte/core';
import type { Call, CallOf, SomeFalconHandlers } from '../call.ts';
import type { FalconResult } from '../envelope.ts';
import { entitiesResult } from '../hosts.ts';
import { callerOf } from './caller.ts';
import { hostError, initResource, sessionResource } from './models.ts';
import { resolveTimeouts } from './timeouts.ts';

/**
 * Session operations. Listing shows only the caller's own sessions: a session id lets its holder
 * run commands, so other clients' ids are not handed out (RTRAuditSessions, under its own scope,
 * is where every client's sessions are seen). `user_id:'@me'` is accepted and means the same.
 */
export function sessionHandlers(core: Core) {
  async function init(call: CallOf<'RTR_InitSession'>): Promise<FalconResult> {
    const caller = callerOf(call);
    resolveTimeouts(call.query ?? {});
    const body = call.body;
    try {
      const opened = await core.rtr.sessions.open(body, caller);
      return { resources: [initResource(opened, caller.role)] };
    } catch (err) {
      if (err instanceof ServiceError && err.kind === 'host_offline') return { status: 404, errors: [hostError(err)] };
      throw err;
    }
  }

  /** The logged command `cloud_request_id` of session `session_id`, when both are the caller's. */
  async function loggedCommand(call: CallOf<'RTR_DeleteQueuedSession' | 'RTR_CancelCommand'>) {
    const { session_id, cloud_request_id } = call.query;
    const { view, session } = await core.rtr.log.get(cloud_request_id, callerOf(call));
    if (session.id !== session_id) throw new ServiceError('not_found', `cloud_request_id ${cloud_request_id} not found in session ${session_id.slice(0, 64)}`);
    return view;
  }

  async function withLogs(ids: string[], call: Call) {
    const caller = callerOf(call);
    const sessions = await core.rtr.sessions.getMany(ids, caller);
    const entries = await core.rtr.log.forSessions(sessions.map((s) => s.id));
    const views = await core.rtr.log.views(entries);
    return sessions.map((s) => ({ ...s, logs: views.filter((v) => v.entry.session_id === s.id) }));
  }

  return {
    RTR_InitSession: init,

    async RTR_PulseSession(call) {
      const caller = callerOf(call);
      const opened = await core.rtr.sessions.pulse(call.body.device_id, caller);
      return { resources: [initResource(opened, caller.role)] };
    },

    async RTR_DeleteSession(call) {
      await core.rtr.sessions.delete(call.query.session_id, callerOf(call));
      return {};
    },

    async RTR_ListAllSessions(call) {
      const caller = callerOf(call);
      const filter = typeof call.query.filter === 'string' ? call.query.filter.replace(/'@me'/g, `'${caller.id}'`) : undefined;
      const page = await core.rtr.sessions.list(caller, { ...call.query, filter });
      return { resources: page.ids, pagination: { offset: page.offset, limit: page.limit, total: page.total } };
    },

    async RTR_AggregateSessions(call) {
      const caller = callerOf(call);
      const resources = await core.aggregations.run(rtrSessionFqlSchema, call.body as AggregateRequest[], {
        where: (eb) => eb('rtr_sessions.client_id', '=', caller.id),
      });
      return { resources };
    },

    async RTR_ListSessions(call) {
      const ids = call.body.ids;
      const sessions = await withLogs(ids, call);
      return entitiesResult(ids, sessions, (s) => s.id, 'session', (s) => sessionResource(s, core.cid, false));
    },

    async RTR_ListQueuedSessions(call) {
      const ids = call.body.ids;
      const sessions = await withLogs(ids, call);
      return entitiesResult(ids, sessions, (s) => s.id, 'session', (s) => {
        const commands = s.logs
          .filter((v) => (v.first ?? v.command)?.status === 'queued')
          .map((v) => ({
            base_command: v.entry.base_command,
            cloud_request_id: v.entry.id,
            command_string: v.entry.command_string,
            created_at: v.entry.created_at,
            updated_at: v.entry.updated_at,
            deleted_at: null,
            status: 'PENDING',
            status_text: 'waiting for the host to come online',
          }));
        return {
          id: s.id,
          aid: s.device_id,
          Commands: commands,
          status: commands.length ? 'PENDING' : 'COMPLETE',
          created_at: s.created_at,
          updated_at: s.updated_at,
          deleted_at: s.deleted_at,
          user_id: s.client_id,
          user_uuid: s.client_id,
        };
      });
    },

    async RTR_DeleteQueuedSession(call) {
      const { cloud_request_id } = call.query;
      const view = await loggedCommand(call);
      const command = view.first ?? view.command;
      if (command?.status !== 'queued') {
        throw new ServiceError('conflict', `command ${cloud_request_id} is not queued (it is ${command ? command.status.replace('_', ' ') : 'answered by the server'})`);
      }
      await core.commands.cancel(command.id);
      return {};
    },

    async RTR_CancelCommand(call) {
      const { cloud_request_id } = call.query;
      const view = await loggedCommand(call);
      // put-and-run: the run once it exists, else its put.
      const command = view.command ?? view.first;
      if (!command) throw new ServiceError('conflict', `command ${cloud_request_id} was answered by the server; there is nothing to cancel`);
      await core.commands.cancel(command.id);
      return {};
    },
  } satisfies SomeFalconHandlers;
}
