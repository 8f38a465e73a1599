import path from 'node:path';
import type { Command } from 'commander';
import { runAgent } from '@riposte/agent';

export function registerAgentCommands(program: Command): void {
  program
    .command('agent')
    .description('run the endpoint agent on this machine: enroll once, then stay connected and run commands')
    .requiredOption('--server <url>', 'riposte server URL, e.g. http://127.0.0.1:8080')
    .option('--enroll-token <token>', 'enrollment token (needed the first time only)', process.env.RIPOSTE_ENROLL_TOKEN)
    .option('--state <dir>', 'where the agent keeps its identity and journal', process.env.RIPOSTE_AGENT_STATE ?? './agent-state')
    .option('--allow-power', 'permit the restart and shutdown commands', false)
    .option('--identity-sensor', 'make this host an identity sensor: report local accounts and authentications (Linux)', false)
    .option('--identity-auth-log <file>', 'auth log the identity sensor follows (default: /var/log/auth.log, /var/log/secure or the journal)')
    .action(async (opts) => {
      const agent = await runAgent({
        serverUrl: opts.server,
        enrollToken: opts.enrollToken,
        stateDir: path.resolve(opts.state),
        allowPower: opts.allowPower,
        identitySensor: opts.identitySensor,
        identityAuthLog: opts.identityAuthLog,
        log: (level, msg, extra) => process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra })}\n`),
      });
      agent.client.on('connected', () => process.stderr.write(`agent ${agent.deviceId} connected to ${opts.server}\n`));
      const stop = () => {
        agent.stop();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
