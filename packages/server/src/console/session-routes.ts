import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleSessionService, ConsoleUserError, CONSOLE_MAX_MS, type Core } from '@riposte/core';
import { ConsoleChangePasswordBody, ConsoleSignInBody, type Static } from '@riposte/spec';
import { consoleActor, readCookie, sessionCookie, SESSION_COOKIE } from '../console-auth/index.ts';

/** Sign-in attempts per client address per minute; the answer for a wrong name or password is the same. */
const SIGN_IN_PER_MINUTE = 10;
const WRONG = 'sign-in failed: wrong user name or password';

function error(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ errors: [{ code: status, message }] });
}

/** The console's sign-in session: POST signs in, GET says who is signed in, DELETE signs out; and the password change. */
export function registerConsoleSessionRoutes(app: FastifyInstance, core: Core): void {
  app.post<{ Body: Static<typeof ConsoleSignInBody> }>(
    '/console/api/session',
    {
      schema: { body: ConsoleSignInBody },
      config: { rateLimit: { max: SIGN_IN_PER_MINUTE, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => `console-sign-in:${request.ip}` } },
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError) return error(reply, 400, 'sign-in needs a JSON body with name and password');
      const { name, password } = request.body;
      const user = await core.consoleUsers.authenticate(name, password);
      if (!user) {
        await core.audit.record({ actor: { id: 'console', name }, action: 'console.sign_in_failed', target_type: 'console_user', target_id: name, details: { ip: request.ip } });
        return error(reply, 401, WRONG);
      }
      const session = await core.consoleSessions.create(user.id);
      await core.audit.record({ actor: consoleActor({ user_id: user.id, user_name: user.name }), action: 'console.sign_in', target_type: 'console_user', target_id: user.id, details: { ip: request.ip } });
      reply.header('set-cookie', sessionCookie(session.token, request.protocol === 'https', Math.floor(CONSOLE_MAX_MS / 1000)));
      return { name: user.name, role: user.role, csrf_token: session.csrf_token, must_change_password: user.must_change_password };
    },
  );

  app.get('/console/api/session', async (request, reply) => {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    const session = token ? await core.consoleSessions.verify(token) : undefined;
    if (!session) return error(reply, 401, 'not signed in');
    reply.header('cache-control', 'no-store');
    return { name: session.user_name, role: session.role, scopes: [...session.scopes].sort(), csrf_token: session.csrf_token, must_change_password: session.must_change_password };
  });

  app.post<{ Body: Static<typeof ConsoleChangePasswordBody> }>(
    '/console/api/password',
    {
      schema: { body: ConsoleChangePasswordBody },
      config: { rateLimit: { max: SIGN_IN_PER_MINUTE, timeWindow: 60_000, keyGenerator: (request: FastifyRequest) => `console-password:${request.ip}` } },
      attachValidation: true,
    },
    async (request, reply) => {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      const session = token ? await core.consoleSessions.verify(token) : undefined;
      if (!session) return error(reply, 401, 'not signed in');
      if (!ConsoleSessionService.csrfMatches(session, request.headers['x-csrf-token'])) return error(reply, 403, 'missing or wrong CSRF token');
      if (request.validationError) return error(reply, 400, 'a password change needs a JSON body with current_password and new_password');
      const { current_password, new_password } = request.body;
      if (!(await core.consoleUsers.authenticate(session.user_name, current_password))) return error(reply, 403, 'the current password is wrong');
      try {
        await core.consoleUsers.setPassword(session.user_id, new_password);
      } catch (err) {
        if (err instanceof ConsoleUserError) return error(reply, 400, err.message);
        throw err;
      }
      await core.audit.record({ actor: consoleActor(session), action: 'console.password_change', target_type: 'console_user', target_id: session.user_id });
      return reply.code(204).send();
    },
  );

  app.delete('/console/api/session', async (request, reply) => {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    const session = token ? await core.consoleSessions.verify(token) : undefined;
    if (!token || !session) return error(reply, 401, 'not signed in');
    if (!ConsoleSessionService.csrfMatches(session, request.headers['x-csrf-token'])) return error(reply, 403, 'missing or wrong CSRF token');
    await core.consoleSessions.destroy(token);
    await core.audit.record({ actor: consoleActor(session), action: 'console.sign_out', target_type: 'console_user', target_id: session.user_id });
    reply.header('set-cookie', sessionCookie('', request.protocol === 'https', 0));
    return reply.code(204).send();
  });
}
