import type { FastifyReply, FastifyRequest } from 'fastify';

export const POWERED_BY = 'riposte';

export interface FalconError {
  code: number;
  message: string;
  id?: string;
}

export interface Pagination {
  offset: number | string;
  limit: number;
  total: number;
  expires_at?: number | string;
  next?: string;
}

/** What a Falcon handler returns; the envelope is built once, here. */
export interface FalconResult {
  resources?: unknown;
  /** Resources already serialised (cached renderings); used instead of `resources`. */
  resourcesJson?: string[];
  pagination?: Pagination;
  errors?: FalconError[];
  /** Overrides the operation's success status (e.g. 207-like partial results reported as 404). */
  status?: number;
  writes?: { resources_affected: number };
  /** Extra top-level fields some operations carry (`batch_id`, `combined`). */
  extra?: Record<string, unknown>;
  /** Extra `meta` fields. */
  meta?: Record<string, unknown>;
}

function queryTime(request: FastifyRequest): number {
  return Number(((performance.now() - request.startedAt) / 1000).toFixed(9));
}

export function falconBody(request: FastifyRequest, r: FalconResult): Record<string, unknown> {
  return {
    meta: {
      query_time: queryTime(request),
      ...(r.pagination ? { pagination: r.pagination } : {}),
      ...(r.writes ? { writes: r.writes } : {}),
      powered_by: POWERED_BY,
      trace_id: request.id,
      ...(r.meta ?? {}),
    },
    ...(r.extra ?? {}),
    resources: r.resources ?? [],
    errors: r.errors ?? [],
  };
}

/**
 * Sent as bytes: given a string, the reply would measure its UTF-8 length and then encode it, two
 * passes over what can be megabytes (a batch's combined resources); encoding once serves both.
 */
export function sendFalcon(request: FastifyRequest, reply: FastifyReply, status: number, r: FalconResult): FastifyReply {
  reply.code(status).type('application/json');
  if (!r.resourcesJson) return reply.send(Buffer.from(JSON.stringify(falconBody(request, r))));
  const { resources: _r, errors, ...head } = falconBody(request, r);
  const text = JSON.stringify(head);
  return reply.send(Buffer.from(`${text.slice(0, -1)},"resources":[${r.resourcesJson.join(',')}],"errors":${JSON.stringify(errors)}}`));
}

export function sendFalconError(request: FastifyRequest, reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendFalcon(request, reply, status, { errors: [{ code: status, message }] });
}
