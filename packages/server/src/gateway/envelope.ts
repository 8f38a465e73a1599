import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { noRouteMessage, sendRateLimitHeaders, toFault } from '../errors.ts';

/** `{error: {code, message}}`: every error the agent dialect answers (enrollment and transfers). */
export function sendAgentError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  // An unread request body would otherwise be drained from the socket to keep it alive.
  if (!request.raw.complete) reply.header('connection', 'close');
  return reply.code(status).header('cache-control', 'no-store').send({ error: { code, message } });
}

/** The agent dialect's `code` for a status it answers with. */
const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'gone',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal',
};

/** The agent dialect's error handler: client faults as 4xx with a clear message, anything else a bare 500. */
export function agentErrorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const fault = toFault(err, request);
  if (fault.rateLimited) sendRateLimitHeaders(reply, fault.rateLimited);
  const code = CODES[fault.status] ?? (fault.status >= 500 ? 'internal' : 'bad_request');
  return sendAgentError(request, reply, fault.status, code, fault.invalid ? `invalid request: ${fault.invalid.summary}` : fault.message);
}

export function agentNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendAgentError(request, reply, 404, 'not_found', noRouteMessage(request));
}
