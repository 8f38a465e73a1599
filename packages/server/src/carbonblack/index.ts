import type { FastifyInstance } from 'fastify';
import { operations } from '@riposte/spec';
import type { Core } from '@riposte/core';
import { cbAuth } from './auth.ts';
import { cbErrorHandler, cbNotFound } from './envelope.ts';
import { carbonBlackHandlers, type CbCall, type CbHandler } from './handlers.ts';

/** Where the dialect is mounted: every Carbon Black path starts here. */
export const CB_MOUNT = '/appservices';

/**
 * The Carbon Black Cloud dialect as one encapsulated plugin (register it with `prefix: CB_MOUNT`):
 * its routes come from the registry's `carbonblack` operations, and it has its own auth hook
 * (X-Auth-Token), error handler and envelope (`{success:false, message, error_code}`), also for
 * unknown paths under the mount.
 */
export async function carbonBlackPlugin(app: FastifyInstance, opts: { core: Core }): Promise<void> {
  const { core } = opts;
  const handlers = carbonBlackHandlers(core);
  const ops = operations.filter((op) => op.dialect === 'carbonblack');
  // The handler map's type has one entry per Carbon Black operation; this checks the same at run time.
  const byId = handlers as unknown as Record<string, CbHandler | undefined>;
  const missing = ops.filter((op) => !byId[op.operationId]).map((op) => op.operationId);
  if (missing.length) throw new Error(`no handler for operation(s): ${missing.join(', ')}`);
  const extra = Object.keys(handlers).filter((id) => !ops.some((op) => op.operationId === id));
  if (extra.length) throw new Error(`handler(s) for operations not in the registry: ${extra.join(', ')}`);

  app.setErrorHandler(cbErrorHandler);
  app.setNotFoundHandler(cbNotFound);

  for (const op of ops) {
    if (!op.path.startsWith(CB_MOUNT)) throw new Error(`${op.operationId}: path ${op.path} is outside ${CB_MOUNT}`);
    // Each handler's input type is its operation's schemas, which validate this route's input.
    const handler = byId[op.operationId]!;
    app.route({
      method: op.method,
      url: op.path.slice(CB_MOUNT.length),
      config: { operation: op },
      schema: {
        querystring: op.query ?? { type: 'object', additionalProperties: false },
        ...(op.params ? { params: op.params } : {}),
        // Multipart uploads are streamed by the handler (readForm validates their fields).
        ...(op.body ? { body: op.body } : {}),
      },
      onRequest: cbAuth(core, op),
      handler: async (request, reply) => {
        const call = { op, params: request.params, query: request.query, body: request.body, key: request.cbKey!, request, reply } as CbCall;
        const result = await handler(call);
        if (result === undefined) return reply;
        const status = result.status ?? op.successStatus;
        if (status === 204) return reply.code(204).send();
        return reply.code(status).type('application/json').send(JSON.stringify(result.body));
      },
    });
  }
}
