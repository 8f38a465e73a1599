import path from 'node:path';
import type { Command } from 'commander';
import { runAgent } from '@riposte/agent';
import { readBootstrapFile } from '@riposte/server';
import { announce, serverOptions, startServerFrom } from './server.ts';

/** `npm start`: the server with the embedded database, plus one real agent on this machine. */
export function registerStartCommand(program: Command): void {
  serverOptions(program.command('start').description('run the server and a local agent enrolled with the bootstrap token (a live host at once)'))
    .option('--no-agent', 'do not run the local agent')
    .action(async (opts) => {
      const server = await startServerFrom(opts);
      announce(server.url, server.bootstrap, opts.data);
      let stopAgent = () => {};
      if (opts.agent) {
        const boot = server.bootstrap ?? readBootstrapFile(path.resolve(opts.data));
        const agent = await runAgent({
          serverUrl: server.url,
          enrollToken: boot?.enroll_token,
          stateDir: path.join(path.resolve(opts.data), 'local-agent'),
          log: (level, msg, extra) => server.app.log[level]({ ...extra, component: 'local-agent' }, msg),
        });
        stopAgent = () => agent.stop();
        process.stderr.write(`local agent enrolled as host ${agent.deviceId}\n`);
      }
      const stop = async () => {
        stopAgent();
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
