import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CbApiKey, Core } from '@riposte/core';
import type { Operation } from '@riposte/spec';
import { sendCbError } from './envelope.ts';

declare module 'fastify' {
  interface FastifyRequest {
    cbKey?: CbApiKey;
  }
}

/**
 * onRequest hook of every Carbon Black operation: `X-Auth-Token: {api_secret}/{api_id}` of a key
 * holding the operation's grant, and the deployment's org key in the path (any other org is a 404).
 */
export function cbAuth(core: Core, op: Operation) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['x-auth-token'];
    const token = Array.isArray(header) ? header[0] : header;
    const key = token ? await core.carbonblack.apiKeys.verify(token.trim()) : undefined;
    if (!key) return sendCbError(reply, 401, 'Not Authorized: the X-Auth-Token header must be {api_secret}/{api_id} of a valid API key');
    request.cbKey = key;
    // Rate limits are per API key, as for Falcon API clients.
    request.principal = { client_id: `cb:${key.id}`, client_name: key.name, scopes: new Set(), expires_at: Number.MAX_SAFE_INTEGER };
    const org = (request.params as { org_key?: string }).org_key;
    if (org !== (await core.carbonblack.orgKey())) return sendCbError(reply, 404, `Org Not Found: ${String(org).slice(0, 64)} is not this deployment's org key`);
    if (op.scope && !key.grants.has(op.scope)) {
      const [perm, operation] = op.scope.split(':');
      return sendCbError(reply, 403, `API key ${key.id} lacks permission ${perm} (${operation}), which ${op.operationId} needs`);
    }
  };
}
