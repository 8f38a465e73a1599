import type { FastifyInstance } from 'fastify';
import { arrayQueryParams, operations, type Operation } from '@riposte/spec';
import type { Core } from '@riposte/core';
import { falconAuth } from './auth.ts';
import { sendFalcon } from './envelope.ts';
import { falconErrorHandler, falconNotFound } from './errors.ts';
import type { Call, FalconHandler, FalconHandlers } from './call.ts';
import { falconHandlers } from './handlers.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: Operation;
  }
}

/**
 * The Falcon dialect as one encapsulated plugin: every `falcon` operation of the registry, each
 * behind the bearer-token hook, with errors in the Falcon envelope. Its paths spread over the root
 * (`/oauth2`, `/devices`, `/policy`, `/real-time-response*`, `/identity-protection`), so its 404
 * is the one for any path outside another dialect's prefix.
 */
export async function falconPlugin(app: FastifyInstance, opts: { core: Core }): Promise<void> {
  app.setErrorHandler(falconErrorHandler);
  app.setNotFoundHandler(falconNotFound);
  registerFalconOperations(app, opts.core, falconHandlers(opts.core));
}

/**
 * Register every Falcon operation of the registry. A registry entry without a handler is a
 * start-up error, and no route exists that is not in the registry.
 */
function registerFalconOperations(app: FastifyInstance, core: Core, handlers: FalconHandlers): void {
  const ops = operations.filter((op) => op.dialect === 'falcon');
  // The handler map's type has one entry per Falcon operation; this checks the same at run time.
  const byId = handlers as unknown as Record<string, FalconHandler | undefined>;
  const missing = ops.filter((op) => !byId[op.operationId]).map((op) => op.operationId);
  if (missing.length) throw new Error(`no handler for operation(s): ${missing.join(', ')}`);
  const known = new Set(ops.map((op) => op.operationId));
  const extra = Object.keys(handlers).filter((id) => !known.has(id));
  if (extra.length) throw new Error(`handler(s) for operations not in the registry: ${extra.join(', ')}`);

  for (const op of ops) {
    // Each handler's input type is its operation's schemas, which validate this route's input.
    const handler = byId[op.operationId]!;
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
        const call = { op, query: request.query, body: request.body, params: request.params, principal: request.principal, request, reply } as Call;
        const result = await handler(call);
        if (result === undefined) return reply;
        return sendFalcon(request, reply, result.status ?? op.successStatus, result);
      },
    });
  }
}
