import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Core, TokenPrincipal } from '@riposte/core';
import type { Operation } from '@riposte/spec';
import { sendFalconError } from './envelope.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: TokenPrincipal;
  }
}

/** onRequest hook for a Falcon operation: a valid bearer token holding the operation's scope. */
export function falconAuth(core: Core, op: Operation) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (op.scope === null) return;
    const header = request.headers.authorization ?? '';
    const match = /^bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return sendFalconError(request, reply, 401, 'access denied, invalid bearer token');
    const principal = await core.tokens.verify(match[1]);
    if (!principal) return sendFalconError(request, reply, 401, 'access denied, invalid bearer token');
    request.principal = principal;
    if (!principal.scopes.has(op.scope)) {
      return sendFalconError(request, reply, 403, `access denied, authorization failed: this API client lacks the ${op.scope} scope`);
    }
  };
}
