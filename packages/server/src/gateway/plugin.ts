import type { FastifyInstance } from 'fastify';
import type { Core } from '@riposte/core';
import { agentErrorHandler, agentNotFound } from './envelope.ts';
import { registerEnrollRoute, type EnrollLimits } from './enroll.ts';
import { registerTransferRoutes } from './transfer-routes.ts';

/** Where the agent dialect is mounted: every agent-facing path starts here. */
export const AGENT_MOUNT = '/agent';

/**
 * The agent dialect's HTTP side as one encapsulated plugin (register it with `prefix: AGENT_MOUNT`):
 * enrollment and file transfers, with errors (and 404s under the mount) as `{error: {code, message}}`.
 * Each route authenticates on its own terms (an enrollment token, a one-time transfer token); the
 * control channel is the gateway's WebSocket upgrade, refused with a bare HTTP status.
 */
export async function agentPlugin(app: FastifyInstance, opts: { core: Core; enroll?: EnrollLimits }): Promise<void> {
  const { core } = opts;
  app.setErrorHandler(agentErrorHandler);
  app.setNotFoundHandler(agentNotFound);
  registerEnrollRoute(app, core, opts.enroll);
  registerTransferRoutes(app, { transfers: core.transfers, uploads: core.uploads, blobs: core.blobs });
}
