import path from 'node:path';
import type { Command } from 'commander';
import { startLocalAgent, type LocalAgent } from './local-agent.ts';
import { announce, serverOptions, startServerFrom } from './server.ts';

/** `npm start`: the server with the embedded database, plus one real agent on this machine (a child process). */
export function registerStartCommand(program: Command): void {
  serverOptions(program.command('start').description('run the server and a local agent enrolled with the bootstrap token (a live host at once)'))
    .option('--no-agent', 'do not run the local agent')
    .action(async (opts) => {
      const server = await startServerFrom(opts);
      announce(server.url, server.bootstrap, opts.data);
      let agent: LocalAgent | undefined;
      if (opts.agent) {
        const dataDir = path.resolve(opts.data);
        const { readBootstrapFile } = await import('@riposte/server');
        const boot = server.bootstrap ?? readBootstrapFile(dataDir);
        let announced = false;
        agent = startLocalAgent({
          serverUrl: loopbackUrl(server.url),
          enrollToken: boot?.enroll_token,
          stateDir: path.join(dataDir, 'local-agent'),
          dataDir,
          extraArgs: localAgentTransportArgs(opts),
          onLine: (line) => server.app.log.info({ component: 'local-agent' }, line),
          onConnected: (deviceId) => {
            if (announced) return;
            announced = true;
            process.stderr.write(`local agent enrolled as host ${deviceId}\n`);
          },
        });
      }
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await agent?.stop();
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

/** The local agent reaches a server listening on every address through loopback. */
function loopbackUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.toString().replace(/\/$/, '');
}

/** How the local agent reaches a server with TLS: it trusts exactly the server's own certificate, whatever name it carries. */
function localAgentTransportArgs(opts: Record<string, string>): string[] {
  return opts.tlsCert ? ['--ca', path.resolve(opts.tlsCert), '--ca-is-server-cert'] : [];
}
