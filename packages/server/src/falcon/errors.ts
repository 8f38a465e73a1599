import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { noRouteMessage, sendRateLimitHeaders, toFault, type InvalidInput } from '../errors.ts';
import { sendFalconError } from './envelope.ts';

/** The Falcon dialect's error handler: `{meta, resources: [], errors: [{code, message}]}` with the fault's status. */
export function falconErrorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const fault = toFault(err, request);
  if (fault.rateLimited) sendRateLimitHeaders(reply, fault.rateLimited);
  return sendFalconError(request, reply, fault.status, fault.invalid ? invalidMessage(fault.invalid) : fault.message);
}

export function falconNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendFalconError(request, reply, 404, noRouteMessage(request));
}

function invalidMessage(invalid: InvalidInput): string {
  const where = invalid.where ?? 'request';
  const detail =
    invalid.unknownField !== undefined
      ? `unknown ${where === 'querystring' ? 'query parameter' : 'field'} "${invalid.unknownField}"`
      : `${invalid.field ? `${invalid.field}: ` : ''}${invalid.message}`;
  return `invalid ${where}: ${detail}`;
}
