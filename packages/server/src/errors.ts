import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FqlError, ServiceError } from '@riposte/core';
import { sendFalconError } from './falcon/envelope.ts';

/** Thrown by the rate limiter; carries when the client may try again. */
export class RateLimited extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAt: number, readonly limit: number) {
    super('API rate limit exceeded; retry after the time in X-Ratelimit-Retryafter');
  }
}

type ErrorSender = (request: FastifyRequest, reply: FastifyReply, status: number, message: string, code: string) => FastifyReply;

/** Error senders per dialect; the Carbon Black dialect adds its own. */
const senders: { prefix: string; send: ErrorSender }[] = [];

export function registerErrorDialect(prefix: string, send: ErrorSender): void {
  senders.push({ prefix, send });
}

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string, code: string): FastifyReply {
  const dialect = senders.find((s) => request.url.startsWith(s.prefix));
  if (dialect) return dialect.send(request, reply, status, message, code);
  return sendFalconError(request, reply, status, message);
}

/**
 * Errors are shaped once, here: client faults become a 4xx in the caller's dialect with a clear
 * message; anything else is logged and answered with a bare 500 that reveals nothing.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    if (err instanceof ServiceError) return sendError(request, reply, err.status, err.message, err.code);
    if (err instanceof FqlError) return sendError(request, reply, 400, err.message, 'INVALID_FILTER');
    if (err instanceof RateLimited) {
      reply.header('x-ratelimit-retryafter', String(err.retryAt));
      reply.header('x-ratelimit-limit', String(err.limit));
      reply.header('x-ratelimit-remaining', '0');
      return sendError(request, reply, 429, err.message, 'TOO_MANY_REQUESTS');
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const where = fe.validationContext ?? 'request';
      const v = fe.validation[0];
      const field = v?.instancePath ? v.instancePath.replace(/^\//, '').replace(/\//g, '.') : (v?.params as any)?.missingProperty ?? (v?.params as any)?.additionalProperty ?? '';
      const detail = v?.keyword === 'additionalProperties'
        ? `unknown ${where === 'querystring' ? 'query parameter' : 'field'} "${(v.params as any).additionalProperty}"`
        : `${field ? `${field}: ` : ''}${v?.message ?? fe.message}`;
      return sendError(request, reply, 400, `invalid ${where}: ${detail}`, 'INVALID_ARGUMENT');
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const message = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? `malformed JSON body: ${err.message}` : err.message;
      return sendError(request, reply, status, message, 'INVALID_ARGUMENT');
    }
    request.log.error({ err }, 'unhandled error');
    return sendError(request, reply, 500, 'internal server error', 'INTERNAL_ERROR');
  });

  app.setNotFoundHandler((request, reply) => sendError(request, reply, 404, `no route for ${request.method} ${request.url.split('?')[0]}`, 'NOT_FOUND'));
}
