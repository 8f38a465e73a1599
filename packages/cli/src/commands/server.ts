import type { Command } from 'commander';
import { startServer } from '@riposte/server';
import { databaseUrl, DEFAULT_DATA } from './options.ts';

/** The options every command that runs a server takes (`server`, `start`). */
export function serverOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'data directory (database, blobs, bootstrap.json)', DEFAULT_DATA)
    .option('--host <host>', 'address to listen on', process.env.RIPOSTE_HOST ?? '127.0.0.1')
    .option('--port <port>', 'port to listen on', process.env.RIPOSTE_PORT ?? '8080')
    .option('--database <url>', 'postgres://… for PostgreSQL (or RIPOSTE_DATABASE_URL)')
    .option('--log-level <level>', 'pino log level', process.env.RIPOSTE_LOG_LEVEL ?? 'info')
    .option('--rate-limit <n>', 'requests per minute per API client', '6000');
}

/** Start a server from those options. */
export function startServerFrom(opts: Record<string, string>) {
  return startServer({
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

export function announce(url: string, bootstrap: { client_id: string; client_secret: string; enroll_token: string; console_user?: string; console_password?: string } | undefined, dataDir: string): void {
  const lines = [`riposte is listening on ${url}`, `web console: ${url}/console`];
  if (bootstrap) {
    lines.push(
      'First start: created an API client with every scope, an agent enrollment token and a console user.',
      'They are shown once here and kept (mode 0600) in ' + `${dataDir}/bootstrap.json:`,
      `  client_id:     ${bootstrap.client_id}`,
      `  client_secret: ${bootstrap.client_secret}`,
      `  enroll_token:  ${bootstrap.enroll_token}`,
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
