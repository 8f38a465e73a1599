import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { arrayQueryParams, operations, type Operation } from '@riposte/spec';
import type { Core, TokenPrincipal } from '@riposte/core';
import { falconAuth } from './falcon/auth.ts';
import { sendFalcon, type FalconResult } from './falcon/envelope.ts';

/** One call of an operation, as a handler sees it: validated input and who is calling. */
export interface Call {
  op: Operation;
  query: any;
  body: any;
  params: any;
  principal?: TokenPrincipal;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** A Falcon handler returns what goes into the envelope, or undefined when it sent the reply itself (downloads). */
export type FalconHandler = (call: Call) => Promise<FalconResult | undefined>;

export type FalconHandlers = Record<string, FalconHandler>;

declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: Operation;
  }
}

/**
 * Register every Falcon operation of the registry. A registry entry without a handler is a
 * start-up error, and no route exists that is not in the registry.
 */
export function registerFalconOperations(app: FastifyInstance, core: Core, handlers: FalconHandlers): void {
  const ops = operations.filter((op) => op.dialect === 'falcon');
  const missing = ops.filter((op) => !handlers[op.operationId]).map((op) => op.operationId);
  if (missing.length) throw new Error(`no handler for operation(s): ${missing.join(', ')}`);
  const known = new Set(ops.map((op) => op.operationId));
  const extra = Object.keys(handlers).filter((id) => !known.has(id));
  if (extra.length) throw new Error(`handler(s) for operations not in the registry: ${extra.join(', ')}`);

  for (const op of ops) {
    const handler = handlers[op.operationId];
    const arrays = arrayQueryParams(op);
    app.route({
      method: op.method,
      url: op.path,
      config: { operation: op },
      schema: {
        ...(op.query ? { querystring: op.query } : { querystring: { type: 'object', additionalProperties: false } }),
        ...(op.params ? { params: op.params } : {}),
        // Multipart operations (`op.files`) get no body schema: their parts are streamed by the
        // handler, which validates the fields against `op.form` with readForm (form-input.ts).
        ...(op.body ? { body: op.body } : op.form && !op.files ? { body: op.form } : {}),
      },
      onRequest: falconAuth(core, op),
      // `ids=a,b` and `ids=a&ids=b` mean the same list.
      preValidation: arrays.length
        ? async (request) => {
            const q = request.query as Record<string, unknown>;
            for (const name of arrays) {
              const v = q[name];
              if (v === undefined) continue;
              const list = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);
              q[name] = list;
            }
          }
        : undefined,
      handler: async (request, reply) => {
        const result = await handler({
          op,
          query: request.query,
          body: request.body,
          params: request.params,
          principal: request.principal,
          request,
          reply,
        });
        if (result === undefined) return reply;
        return sendFalcon(request, reply, result.status ?? op.successStatus, result);
      },
    });
  }
}
