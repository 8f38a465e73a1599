import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Core, TokenPrincipal } from '@riposte/core';
import type { Operation } from '@riposte/spec';
import { sendFalconError } from './envelope.ts';
import { consolePrincipal } from '../console-auth/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: TokenPrincipal;
  }
}

/** onRequest hook for a Falcon operation: a valid bearer token (or console session) holding the operation's scope. */
export function falconAuth(core: Core, op: Operation) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (op.scope === null) return;
    const header = request.headers.authorization ?? '';
    if (!header) {
      const viaConsole = await consolePrincipal(core, request);
      if (viaConsole.kind === 'refused') return sendFalconError(request, reply, 401, viaConsole.message);
      if (viaConsole.kind === 'principal') return checkScope(request, reply, op, viaConsole.principal);
    }
    const match = /^bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return sendFalconError(request, reply, 401, 'access denied, invalid bearer token');
    const principal = await core.tokens.verify(match[1]);
    if (!principal) return sendFalconError(request, reply, 401, 'access denied, invalid bearer token');
    return checkScope(request, reply, op, principal);
  };
}

function checkScope(request: FastifyRequest, reply: FastifyReply, op: Operation, principal: TokenPrincipal) {
  request.principal = principal;
  if (op.scope !== null && !principal.scopes.has(op.scope)) {
    return sendFalconError(request, reply, 403, `access denied, authorization failed: this API client lacks the ${op.scope} scope`);
  }
}
