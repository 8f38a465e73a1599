import path from 'node:path';
import type { Command } from 'commander';
import { databaseUrl, DEFAULT_DATA } from './options.ts';

/** The options every command that runs a server takes (`server`, `start`). */
export function serverOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data directory (database, blobs, bootstrap.json)', DEFAULT_DATA)
    .option('--host <host>', 'address to listen on', process.env.RIPOSTE_HOST ?? '127.0.0.1')
    .option('--port <port>', 'port to listen on', process.env.RIPOSTE_PORT ?? '8080')
    .option('--database <url>', 'postgres://… for PostgreSQL (or RIPOSTE_DATABASE_URL)')
    .option('--log-level <level>', 'pino log level', process.env.RIPOSTE_LOG_LEVEL ?? 'info')
    .option('--rate-limit <n>', 'requests per minute per API client', '6000')
    .option('--tls-cert <file>', 'PEM certificate (chain) file: serve HTTPS and WSS on the port (TLS 1.2 or later)', process.env.RIPOSTE_TLS_CERT)
    .option('--tls-key <file>', 'PEM private key file of that certificate', process.env.RIPOSTE_TLS_KEY)
    .option('--allow-plaintext', 'listen without TLS on an address other machines can reach (a TLS-terminating proxy in front)', false)
    .option('--trust-proxy <addresses>', 'reverse proxies (comma-separated addresses or CIDRs) whose X-Forwarded-For names the client');
}

/** Start a server from those options (the server package is loaded here, not when the command is declared). */
export async function startServerFrom(opts: Record<string, string>) {
  if (!opts.tlsCert !== !opts.tlsKey) throw new Error('--tls-cert and --tls-key go together');
  const { startServer } = await import('@riposte/server');
  return startServer({
    tls: opts.tlsCert ? { certFile: path.resolve(opts.tlsCert), keyFile: path.resolve(opts.tlsKey) } : undefined,
    allowPlaintext: Boolean(opts.allowPlaintext),
    trustProxy: opts.trustProxy,
    dataDir: opts.data,
    host: opts.host,
    port: parsePort(opts.port),
    databaseUrl: databaseUrl(opts as { data: string; database?: string }),
    logLevel: opts.logLevel,
    rateLimitPerMinute: Number(opts.rateLimit),
  });
}

export function registerServerCommands(program: Command): void {
  serverOptions(program.command('server').description('run the API server (SQLite in the data directory unless --database names PostgreSQL)'))
    .action(async (opts) => {
      const server = await startServerFrom(opts);
      announce(server.url, server.bootstrap, opts.data);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

export function parsePort(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port ${s}`);
  return n;
}

export function announce(url: string, bootstrap: { client_id: string; client_secret: string; enroll_token: string; org_key?: string; cb_api_id?: string; cb_api_secret?: string; console_user?: string; console_password?: string } | undefined, dataDir: string): void {
  const lines = [`riposte is listening on ${url}`, `web console: ${url}/console`];
  if (bootstrap) {
    lines.push(
      'First start: created an API client with every scope, an agent enrollment token and a console user.',
      'They are shown once here and kept (mode 0600) in ' + `${dataDir}/bootstrap.json:`,
      `  client_id:     ${bootstrap.client_id}`,
      `  client_secret: ${bootstrap.client_secret}`,
      `  enroll_token:  ${bootstrap.enroll_token}`,
      ...(bootstrap.org_key ? [`  Carbon Black:  org_key ${bootstrap.org_key}, X-Auth-Token ${bootstrap.cb_api_secret}/${bootstrap.cb_api_id}`] : []),
      ...(bootstrap.console_user ? [`  console_user:     ${bootstrap.console_user}`, `  console_password: ${bootstrap.console_password}`] : []),
      'Try:',
      `  TOKEN=$(curl -s -X POST ${url}/oauth2/token -d client_id=${bootstrap.client_id} -d client_secret=$SECRET | jq -r .access_token)`,
      `  curl -s -H "Authorization: Bearer $TOKEN" ${url}/devices/queries/devices/v1`,
    );
  } else {
    lines.push(`Credentials from the first start are in ${dataDir}/bootstrap.json.`);
  }
  process.stderr.write(lines.join('\n') + '\n');
}
