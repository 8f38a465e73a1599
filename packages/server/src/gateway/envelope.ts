import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorKind } from '@riposte/core';
import { noRouteMessage, sendRateLimitHeaders, toFault } from '../errors.ts';

/** `{error: {code, message}}`: every error the agent dialect answers (enrollment and transfers). */
export function sendAgentError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  // An unread request body would otherwise be drained from the socket to keep it alive.
  if (!request.raw.complete) reply.header('connection', 'close');
  return reply.code(status).header('cache-control', 'no-store').send({ error: { code, message } });
}

/** The agent dialect's `code` for a kind of the catalogue: its name, but `bad_request` for bad input. */
export function agentCode(kind: ErrorKind | 'internal'): string {
  return kind === 'bad_input' ? 'bad_request' : kind;
}

/** The agent dialect's error handler: client faults as 4xx with a clear message, anything else a bare 500. */
export function agentErrorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // A full disk while an upload is written: the agent keeps its file and retries later.
  if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return sendAgentError(request, reply, 507, 'insufficient_storage', 'server out of disk space');
  const fault = toFault(err, request);
  if (fault.rateLimited) sendRateLimitHeaders(reply, fault.rateLimited);
  return sendAgentError(request, reply, fault.status, agentCode(fault.kind), fault.invalid ? `invalid request: ${fault.invalid.summary}` : fault.message);
}

export function agentNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendAgentError(request, reply, 404, 'not_found', noRouteMessage(request));
}
