import type { FastifyInstance } from 'fastify';
import { EnrollBody, getOperation, type Static } from '@riposte/spec';
import { newSecret, tokenDigest, type Core } from '@riposte/core';
import { RateLimited } from '../errors.ts';
import { sendAgentError } from './envelope.ts';
import { EnrollFailures } from './enroll-failures.ts';
import { inventoryToFacts } from './inventory.ts';
import { agentTags, auditRefusedTags } from './agent-tags.ts';

export interface EnrollLimits {
  /** Enrollment attempts per source address per minute (default 600). */
  perMinute?: number;
  /** Failed attempts per source address per minute before it is refused outright (default 10). */
  failuresPerMinute?: number;
}

/**
 * Enrollment: an enrollment token plus the agent's inventory buys a device id and an agent
 * secret. Agent secrets are 240-bit random values, so a sha256 is a safe way to keep them and
 * cheap enough to check for 15,000 reconnecting agents. Attempts are rate limited per source
 * address (429 with the Falcon rate-limit headers), and refusals are logged. `app` is the agent
 * dialect's scope: its error handler shapes schema errors and rate limits like the token refusal.
 */
export function registerEnrollRoute(app: FastifyInstance, core: Core, limits: EnrollLimits = {}): void {
  const op = getOperation('AgentEnroll');
  const perMinute = limits.perMinute ?? 600;
  const failures = new EnrollFailures(limits.failuresPerMinute ?? 10);
  const rateLimit = { max: perMinute, timeWindow: 60_000, keyGenerator: (request: { ip: string }) => `enroll:${request.ip}` };
  if (!op.path.startsWith(app.prefix)) throw new Error(`${op.operationId}: path ${op.path} is outside ${app.prefix}`);
  app.post<{ Body: Static<typeof EnrollBody> }>(op.path.slice(app.prefix.length), { schema: { body: EnrollBody }, config: { operation: op, rateLimit } }, async (request, reply) => {
    const blocked = failures.blockedUntil(request.ip);
    if (blocked) {
      reply.header('retry-after', String(Math.max(1, Math.ceil((blocked - Date.now()) / 1000))));
      throw new RateLimited(Math.ceil(blocked / 1000), failures.maxFailures);
    }
    const body = request.body;
    const outcome = await core.enrollTokens.consume(body.enroll_token);
    if (!outcome.ok) {
      const count = failures.failed(request.ip);
      request.log.warn({ ip: request.ip, reason: outcome.reason, failures_this_minute: count }, `agent enrollment refused: ${outcome.reason} enrollment token`);
      const message = outcome.reason === 'unknown' ? 'invalid enrollment token' : `enrollment token is ${outcome.reason}`;
      return sendAgentError(request, reply, 401, 'unauthorized', message);
    }
    const agent_secret = newSecret(30);
    const host = await core.hosts.register(inventoryToFacts(body.inventory, request.ip), { agent_secret_hash: tokenDigest(agent_secret) });
    if (outcome.tags.length) await core.hosts.updateTags('add', [host.device_id], outcome.tags);
    request.log.info({ device_id: host.device_id, hostname: host.hostname, enroll_token_id: outcome.token_id }, 'agent enrolled');
    await auditRefusedTags(core, host.device_id, agentTags(body.inventory.tags ?? []).refused).catch((err) =>
      request.log.error({ err, device_id: host.device_id }, 'audit of refused agent tags failed'),
    );
    return reply.code(201).send({ device_id: host.device_id, agent_secret });
  });
}
