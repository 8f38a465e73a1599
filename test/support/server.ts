import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '@riposte/server';
import { createTestDatabaseUrl } from '../../packages/core/src/testing/db.ts';

export interface TestServer {
  url: string;
  server: RunningServer;
  dataDir: string;
  databaseUrl: string;
  clientId: string;
  clientSecret: string;
  enrollToken: string;
  /** A bearer token for the bootstrap client (every scope), or for a new client with `scopes`. */
  token(scopes?: string[]): Promise<string>;
  /** fetch against the server, JSON in and out. */
  api(method: string, pathAndQuery: string, init?: { token?: string; json?: unknown; form?: Record<string, string>; headers?: Record<string, string>; body?: BodyInit }): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** A real server on a random loopback port, over a fresh database of the run's dialect. */
export async function startTestServer(opts: Partial<ServerOptions> & { replicaOf?: TestServer } = {}): Promise<TestServer> {
  const { replicaOf, ...serverOpts } = opts;
  const dataDir = replicaOf ? replicaOf.dataDir : fs.mkdtempSync(path.join(os.tmpdir(), 'riposte-e2e-'));
  // A replica shares the first server's database, data directory and credentials.
  const db = replicaOf ? { url: replicaOf.databaseUrl, drop: async () => {} } : await createTestDatabaseUrl();
  const server = await startServer({ dataDir, port: 0, logLevel: 'silent', databaseUrl: db.url, ...serverOpts });
  const boot = replicaOf
    ? { client_id: replicaOf.clientId, client_secret: replicaOf.clientSecret, enroll_token: replicaOf.enrollToken }
    : server.bootstrap!;
  const tokens = new Map<string, string>();

  const api: TestServer['api'] = async (method, pathAndQuery, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: BodyInit | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.form) {
      body = new URLSearchParams(init.form);
    }
    const res = await fetch(server.url + pathAndQuery, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  const token: TestServer['token'] = async (scopes) => {
    const key = scopes ? scopes.join(',') : '*';
    const cached = tokens.get(key);
    if (cached) return cached;
    let id = boot.client_id;
    let secret = boot.client_secret;
    if (scopes) {
      const c = await server.core.apiClients.create({ name: `test ${key}`, scopes });
      id = c.client_id;
      secret = c.client_secret;
    }
    const res = await api('POST', '/oauth2/token', { form: { client_id: id, client_secret: secret } });
    if (res.status !== 201) throw new Error(`token request failed: ${res.status} ${res.text}`);
    tokens.set(key, res.body.access_token);
    return res.body.access_token;
  };

  return {
    url: server.url,
    server,
    dataDir,
    databaseUrl: db.url,
    clientId: boot.client_id,
    clientSecret: boot.client_secret,
    enrollToken: boot.enroll_token,
    token,
    api,
    async close() {
      await server.close();
      if (replicaOf) return;
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
