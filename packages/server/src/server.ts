import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCore, openStore, type Core } from '@riposte/core';
import { buildApp } from './app.ts';
import { bootstrapIfEmpty, type BootstrapInfo } from './bootstrap.ts';
import type { EnrollLimits } from './gateway/index.ts';
import { checkTransport, readTls, type ServerTls } from './transport.ts';

export interface ServerOptions {
  dataDir: string;
  host?: string;
  port?: number;
  /** `postgres://…` for PostgreSQL; default SQLite at DATA/riposte.db. */
  databaseUrl?: string;
  logLevel?: string;
  rateLimitPerMinute?: number;
  /** Largest put-file / script upload, bytes (defaults: 100 MiB / 5 MiB). */
  maxPutFileBytes?: number;
  maxScriptBytes?: number;
  /** Largest upload to a Carbon Black live response session, bytes (default 512 MiB). */
  maxCbUploadBytes?: number;
  /** How often agents are pinged (and sent the acknowledgements waiting for them); default 30 s. */
  heartbeatMs?: number;
  /** Enrollment attempts allowed per source address (defaults: 600 a minute, 10 failures a minute). */
  enrollLimits?: EnrollLimits;
  /** HTTPS and WSS on the listening port. */
  tls?: ServerTls;
  /** Listen without TLS on an address other machines can reach (behind a TLS-terminating proxy). */
  allowPlaintext?: boolean;
  /** Reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For gives the client's address. */
  trustProxy?: string;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  core: Core;
  /** Set only on the start that created the first API client. */
  bootstrap?: BootstrapInfo;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  checkTransport(host, opts.tls, opts.allowPlaintext ?? false);
  const https = opts.tls ? readTls(opts.tls) : undefined;
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({ url: opts.databaseUrl ?? path.join(dataDir, 'riposte.db') });
  const core = await createCore(store, {
    blobDir: path.join(dataDir, 'blobs'),
    rtrLibrary: { maxPutFileBytes: opts.maxPutFileBytes, maxScriptBytes: opts.maxScriptBytes },
    cbMaxUploadBytes: opts.maxCbUploadBytes,
  });
  const app = await buildApp({
    core,
    rateLimitPerMinute: opts.rateLimitPerMinute,
    gateway: { heartbeatMs: opts.heartbeatMs, enroll: opts.enrollLimits },
    https,
    trustProxy: opts.trustProxy,
    logger: opts.logLevel === 'silent' ? false : { level: opts.logLevel ?? 'info', redact: ['req.headers.authorization'] },
  });
  core.log.attach(app.log);
  await app.listen({ host, port: opts.port ?? 8080 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const bootstrap = await bootstrapIfEmpty(core, dataDir, url);
  core.blobCollector.start(undefined, (err) => app.log.error({ err }, 'blob collection failed'));
  return {
    url,
    app,
    core,
    bootstrap,
    async close() {
      await app.close();
      await core.close();
    },
  };
}
