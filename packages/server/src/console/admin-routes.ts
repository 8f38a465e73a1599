import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleSessionService, ServiceError, type ConsoleSession, type Core } from '@riposte/core';
import { allScopes, getOperation } from '@riposte/spec';
import { consoleActor, readCookie, SESSION_COOKIE } from '../console-auth/index.ts';

function error(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ errors: [{ code: status, message }] });
}

/**
 * The signed-in admin behind a request, or an answer already sent: 401 without a session, 403 for
 * another role or (on a write) a missing or wrong CSRF token. API clients and enrollment tokens
 * have no Falcon scope: the console's admin role is what allows them, as the CLI's local access does.
 */
async function admin(core: Core, request: FastifyRequest, reply: FastifyReply, write: boolean): Promise<ConsoleSession | undefined> {
  const token = readCookie(request.headers.cookie, SESSION_COOKIE);
  const session = token ? await core.consoleSessions.verify(token) : undefined;
  if (!session) return void error(reply, 401, 'not signed in');
  if (session.role !== 'admin') return void error(reply, 403, `access denied: managing API clients and enrollment tokens needs the admin role, not ${session.role}`);
  if (write && !ConsoleSessionService.csrfMatches(session, request.headers['x-csrf-token'])) return void error(reply, 403, 'missing or wrong CSRF token');
  if (request.validationError) return void error(reply, 400, request.validationError.message);
  return session;
}

/** Runs `work`, answering a core ServiceError (bad input, unknown id) in the console's envelope. */
async function answer(reply: FastifyReply, work: () => Promise<unknown>) {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ServiceError) return error(reply, err.status, err.message);
    throw err;
  }
}

/** API clients and enrollment tokens, managed from the console by its admins; every change audited. */
export function registerConsoleAdminRoutes(app: FastifyInstance, core: Core): void {
  const schemaOf = (id: string) => {
    const op = getOperation(id);
    return { schema: { ...(op.body ? { body: op.body } : {}), ...(op.query ? { querystring: op.query } : {}) }, attachValidation: true };
  };
  const known = new Set(allScopes());

  app.get('/console/api/api-clients', async (request, reply) => {
    if (!(await admin(core, request, reply, false))) return reply;
    return { resources: await core.apiClients.list() };
  });

  app.post('/console/api/api-clients', schemaOf('ConsoleCreateApiClient'), async (request, reply) => {
    const session = await admin(core, request, reply, true);
    if (!session) return reply;
    const body = request.body as { name: string; description?: string; scopes: string[] };
    const unknown = body.scopes.filter((s) => !known.has(s));
    if (unknown.length) return error(reply, 400, `unknown scope(s): ${unknown.join(', ')}`);
    return answer(reply, async () => {
      const created = await core.apiClients.create(body);
      const { client_secret: _secret, ...after } = created;
      await core.audit.record({ actor: consoleActor(session), action: 'api_client.create', target_type: 'api_client', target_id: created.client_id, after });
      return reply.code(201).send({ resources: [created] });
    });
  });

  app.delete('/console/api/api-clients', schemaOf('ConsoleDeleteApiClient'), async (request, reply) => {
    const session = await admin(core, request, reply, true);
    if (!session) return reply;
    const { id } = request.query as { id: string };
    return answer(reply, async () => {
      const before = await core.apiClients.get(id);
      await core.apiClients.delete(id);
      await core.audit.record({ actor: consoleActor(session), action: 'api_client.delete', target_type: 'api_client', target_id: id, before });
      return reply.code(204).send();
    });
  });

  app.get('/console/api/enroll-tokens', async (request, reply) => {
    if (!(await admin(core, request, reply, false))) return reply;
    return { resources: await core.enrollTokens.list() };
  });

  app.post('/console/api/enroll-tokens', schemaOf('ConsoleCreateEnrollToken'), async (request, reply) => {
    const session = await admin(core, request, reply, true);
    if (!session) return reply;
    return answer(reply, async () => reply.code(201).send({ resources: [await core.enrollTokens.create(request.body as object, consoleActor(session))] }));
  });

  app.delete('/console/api/enroll-tokens', schemaOf('ConsoleRevokeEnrollToken'), async (request, reply) => {
    const session = await admin(core, request, reply, true);
    if (!session) return reply;
    return answer(reply, async () => {
      await core.enrollTokens.revoke((request.query as { id: string }).id, consoleActor(session));
      return reply.code(204).send();
    });
  });
}
