import crypto from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import sjson from 'secure-json-parse';
import { findOperation, getOperation, operations, toOpenApi } from '@riposte/spec';
import type { Core } from '@riposte/core';
import { RateLimited } from './errors.ts';
import { installNulGuard } from './nul-guard.ts';
import { falconErrorHandler, falconPlugin } from './falcon/index.ts';
import { registerConsoleAdminRoutes, registerConsoleSessionRoutes, registerConsoleStatic } from './console/index.ts';
import { carbonBlackPlugin, CB_MOUNT } from './carbonblack/index.ts';
import { identityGraphqlPlugin } from './identity/index.ts';
import { agentPlugin, AGENT_MOUNT, startGateway, type GatewayOptions } from './gateway/index.ts';

const ENROLL_PATH = getOperation('AgentEnroll').path;

export interface AppOptions {
  core: Core;
  logger?: FastifyServerOptions['logger'];
  /** Requests per minute per API client (Falcon's default quota is 6,000). */
  rateLimitPerMinute?: number;
  /** Largest JSON or form body, bytes. */
  bodyLimit?: number;
  /** Agent gateway settings; false for an API-only app (unit tests, benchmarks). */
  gateway?: GatewayOptions | false;
  /** Proxies whose X-Forwarded-For names the client (Fastify's trustProxy: addresses or CIDRs). */
  trustProxy?: string;
  /** TLS options: the app then serves HTTPS (and WSS for agents) only. */
  https?: import('node:tls').SecureContextOptions & { minVersion?: import('node:tls').SecureVersion };
}

declare module 'fastify' {
  interface FastifyRequest {
    startedAt: number;
  }
  interface FastifyInstance {
    gateway?: import('./gateway/index.ts').Gateway;
  }
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.https ? { https: opts.https } : {}),
    ...(opts.trustProxy ? { trustProxy: opts.trustProxy } : {}),
    logger: opts.logger ?? false,
    genReqId: () => crypto.randomUUID(),
    logController: new LogController({ requestIdLogLabel: 'trace_id' }),
    requestIdHeader: false,
    bodyLimit: opts.bodyLimit ?? 10 * 1024 * 1024,
    ajv: {
      // Unknown fields are errors, not silently dropped; `ids=a` becomes ["a"].
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });
  const { core } = opts;

  // No route exists that is not in the registry (HEAD twins of GET routes are Fastify's own).
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' && findOperation('GET', route.url)) continue;
      if (!findOperation(method, route.url)) throw new Error(`route ${method} ${route.url} is not in the operation registry`);
    }
  });

  app.decorateRequest('startedAt', 0);
  app.addHook('onRequest', async (request, reply) => {
    request.startedAt = performance.now();
    reply.header('x-cs-traceid', request.id);
  });

  // Each dialect's plugin shapes its own errors; the few routes outside any dialect (health,
  // OpenAPI) answer as Falcon, whose 404 also covers every path outside another dialect's prefix.
  app.setErrorHandler(falconErrorHandler);
  installNulGuard(app);
  // JSON bodies must be valid UTF-8: a lossy decode would silently store replacement characters.
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body);
    } catch {
      return done(Object.assign(new Error('request body is not valid UTF-8'), { statusCode: 400 }), undefined);
    }
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, sjson.parse(text, { protoAction: 'error', constructorAction: 'error' }));
    } catch (e) {
      done(Object.assign(new Error(`malformed JSON body: ${(e as Error).message}`), { statusCode: 400 }), undefined);
    }
  });
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024 * 1024, files: 4, fields: 64 } });

  const limit = opts.rateLimitPerMinute ?? 6000;
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: limit,
    timeWindow: 60_000,
    keyGenerator: (request) => request.principal?.client_id ?? `ip:${request.ip}`,
    // The quota is for API clients; agents (a whole fleet behind one NAT) are not API clients.
    // Enrollment is the exception: its route sets its own limit per source address.
    allowList: (request) => request.url.startsWith('/agent/') && !request.url.startsWith(ENROLL_PATH),
    addHeaders: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': false, 'retry-after': true },
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => new RateLimited(Math.ceil((Date.now() + context.ttl) / 1000), context.max),
  });

  app.get('/health', { config: { rateLimit: false } }, async () => ({ status: 'ok' }));
  app.get('/openapi.json', { config: { rateLimit: false } }, async (request) =>
    toOpenApi(operations, `${request.protocol}://${request.host}`),
  );

  await app.register(falconPlugin, { core });
  await app.register(carbonBlackPlugin, { prefix: CB_MOUNT, core });
  await app.register(identityGraphqlPlugin, { core });
  registerConsoleSessionRoutes(app, core);
  registerConsoleAdminRoutes(app, core);
  registerConsoleStatic(app);
  if (opts.gateway !== false) {
    await app.register(agentPlugin, { prefix: AGENT_MOUNT, core, enroll: opts.gateway?.enroll });
    const gateway = startGateway(app, core, { transfers: core.transfers, ...(opts.gateway ?? {}) });
    app.decorate('gateway', gateway);
    app.addHook('preClose', async () => gateway.close());
  }
  return app;
}
