import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FqlError, kindForStatus, ServiceError, type ErrorKind } from '@riposte/core';

/** Thrown by the rate limiter; carries when the client may try again. */
export class RateLimited extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAt: number, readonly limit: number) {
    super('API rate limit exceeded; retry after the time in X-Ratelimit-Retryafter');
  }
}

/** A request that failed its route's schema, for a dialect to word in its own way. */
export interface InvalidInput {
  /** `querystring`, `params`, `body`, `headers`, or undefined when Fastify did not say. */
  where?: string;
  /** The offending field (a dotted path), or '' when the failure is about the whole object. */
  field: string;
  /** Set when the failure is a field the schema does not know. */
  unknownField?: string;
  /** The validator's message about the field. */
  message: string;
  /** Fastify's own one-line summary (`body/inventory must have ...`). */
  summary: string;
}

/**
 * Any error a route threw, as a dialect needs it to answer: a client fault with its status and a
 * message fit to show, or a server fault (already logged) that reveals nothing.
 */
export interface Fault {
  /** The catalogue's kind (core's ERROR_KINDS), or `internal` for a server fault. */
  kind: ErrorKind | 'internal';
  status: number;
  message: string;
  invalid?: InvalidInput;
  rateLimited?: RateLimited;
}

/** Classifies `err` once for every dialect; a server fault is logged here. */
export function toFault(err: FastifyError | Error, request: FastifyRequest): Fault {
  if (err instanceof ServiceError) return { kind: err.kind, status: err.status, message: err.message };
  if (err instanceof FqlError) return { kind: 'bad_input', status: 400, message: err.message };
  if (err instanceof RateLimited) return { kind: 'too_many_requests', status: 429, message: err.message, rateLimited: err };
  const fe = err as FastifyError;
  if (fe.validation) {
    const v = fe.validation[0];
    const params = (v?.params ?? {}) as Record<string, unknown>;
    const field = v?.instancePath ? v.instancePath.replace(/^\//, '').replace(/\//g, '.') : String(params.missingProperty ?? params.additionalProperty ?? '');
    const invalid: InvalidInput = {
      where: fe.validationContext,
      field,
      ...(v?.keyword === 'additionalProperties' ? { unknownField: String(params.additionalProperty) } : {}),
      message: v?.message ?? fe.message,
      summary: fe.message,
    };
    return { kind: 'bad_input', status: 400, message: fe.message, invalid };
  }
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const malformedJson = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError;
    return { kind: kindForStatus(status), status, message: malformedJson ? `malformed JSON body: ${err.message}` : err.message };
  }
  request.log.error({ err }, 'unhandled error');
  return { kind: 'internal', status: 500, message: 'internal server error' };
}

/** The rate-limit headers Falcon clients read (also sent by the agent dialect's enrollment). */
export function sendRateLimitHeaders(reply: FastifyReply, limited: RateLimited): void {
  reply.header('x-ratelimit-retryafter', String(limited.retryAt));
  reply.header('x-ratelimit-limit', String(limited.limit));
  reply.header('x-ratelimit-remaining', '0');
}

/** `no route for GET /x`: what every dialect's 404 for an unknown path says. */
export function noRouteMessage(request: FastifyRequest): string {
  return `no route for ${request.method} ${request.url.split('?')[0]}`;
}
