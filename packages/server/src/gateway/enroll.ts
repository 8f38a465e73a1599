import type { FastifyInstance } from 'fastify';
import { getOperation } from '@riposte/spec';
import { newSecret, tokenDigest, type Core } from '@riposte/core';
import { inventoryToFacts } from './inventory.ts';
import { agentTags, auditRefusedTags } from './agent-tags.ts';

/**
 * Enrollment: an enrollment token plus the agent's inventory buys a device id and an agent
 * secret. Agent secrets are 240-bit random values, so a sha256 is a safe way to keep them and
 * cheap enough to check for 15,000 reconnecting agents.
 */
export function registerEnrollRoute(app: FastifyInstance, core: Core): void {
  const op = getOperation('AgentEnroll');
  app.post(op.path, { schema: { body: op.body }, config: { operation: op, rateLimit: { max: 600, timeWindow: 60_000 } } }, async (request, reply) => {
    const body = request.body as { enroll_token: string; inventory: Parameters<typeof inventoryToFacts>[0] };
    if (!(await core.enrollTokens.verify(body.enroll_token))) {
      request.log.warn({ ip: request.ip }, 'agent enrollment refused: bad enrollment token');
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'invalid enrollment token' } });
    }
    const agent_secret = newSecret(30);
    const host = await core.hosts.register(inventoryToFacts(body.inventory, request.ip), { agent_secret_hash: tokenDigest(agent_secret) });
    request.log.info({ device_id: host.device_id, hostname: host.hostname }, 'agent enrolled');
    await auditRefusedTags(core, host.device_id, agentTags(body.inventory.tags ?? []).refused).catch((err) =>
      request.log.error({ err, device_id: host.device_id }, 'audit of refused agent tags failed'),
    );
    return reply.code(201).send({ device_id: host.device_id, agent_secret });
  });
}
