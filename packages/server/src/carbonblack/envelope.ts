import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { noRouteMessage, toFault, type InvalidInput } from '../errors.ts';

/** The vendor's `error_code` for each status this dialect answers with. */
const ERROR_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  500: 'InternalServerError',
};

/** `{success: false, message, error_code}`: every error of the Carbon Black dialect. */
export function sendCbError(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ success: false, message, error_code: ERROR_CODES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequest') });
}

/** The dialect's error handler: client faults become 4xx with a clear message; anything else a bare 500, logged. */
export function cbErrorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const fault = toFault(err, request);
  if (fault.rateLimited) reply.header('retry-after', String(Math.max(1, fault.rateLimited.retryAt - Math.floor(Date.now() / 1000))));
  return sendCbError(reply, fault.status, fault.invalid ? invalidMessage(fault.invalid) : fault.message);
}

export function cbNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendCbError(reply, 404, noRouteMessage(request));
}

function invalidMessage(invalid: InvalidInput): string {
  const where = invalid.where === 'querystring' ? 'query parameter' : invalid.where === 'params' ? 'path parameter' : 'body field';
  const detail = invalid.unknownField !== undefined ? `unknown ${where} "${invalid.unknownField}"` : `${invalid.field ? `${where} ${invalid.field}: ` : ''}${invalid.message}`;
  return `invalid request: ${detail}`;
}
