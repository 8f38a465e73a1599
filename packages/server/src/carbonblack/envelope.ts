import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FqlError, ServiceError } from '@riposte/core';
import { RateLimited } from '../errors.ts';

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
  if (err instanceof ServiceError) return sendCbError(reply, err.status, err.message);
  if (err instanceof FqlError) return sendCbError(reply, 400, err.message);
  if (err instanceof RateLimited) {
    reply.header('retry-after', String(Math.max(1, err.retryAt - Math.floor(Date.now() / 1000))));
    return sendCbError(reply, 429, err.message);
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const where = fe.validationContext === 'querystring' ? 'query parameter' : fe.validationContext === 'params' ? 'path parameter' : 'body field';
    const v = fe.validation[0];
    const params = (v?.params ?? {}) as Record<string, unknown>;
    const field = v?.instancePath ? v.instancePath.replace(/^\//, '').replace(/\//g, '.') : String(params.missingProperty ?? params.additionalProperty ?? '');
    const detail = v?.keyword === 'additionalProperties' ? `unknown ${where} "${String(params.additionalProperty)}"` : `${field ? `${where} ${field}: ` : ''}${v?.message ?? fe.message}`;
    return sendCbError(reply, 400, `invalid request: ${detail}`);
  }
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) return sendCbError(reply, status, err instanceof SyntaxError ? `malformed JSON body: ${err.message}` : err.message);
  request.log.error({ err }, 'unhandled error');
  return sendCbError(reply, 500, 'internal server error');
}
