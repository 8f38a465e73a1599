import path from 'node:path';
import type { Command } from 'commander';
import { runAgent, uninstallAgent } from '@riposte/agent';

export function registerAgentCommands(program: Command): void {
  program
    .command('agent')
    .description('run the endpoint agent on this machine: enroll once, then stay connected and run commands')
    .requiredOption('--server <url>', 'riposte server URL, e.g. http://127.0.0.1:8080')
    .option('--enroll-token <token>', 'enrollment token (needed the first time only)', process.env.RIPOSTE_ENROLL_TOKEN)
    .option('--state <dir>', 'where the agent keeps its identity and journal', process.env.RIPOSTE_AGENT_STATE ?? './agent-state')
    .option('--allow-power', 'permit the restart and shutdown commands', false)
    .action(async (opts) => {
      const agent = await runAgent({
        serverUrl: opts.server,
        enrollToken: opts.enrollToken,
        stateDir: path.resolve(opts.state),
        allowPower: opts.allowPower,
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
  program
    .command('agent-uninstall')
    .description("remove the agent's traces from this machine: lift its network containment, delete its state directory")
    .option('--state <dir>', 'the agent state directory', process.env.RIPOSTE_AGENT_STATE ?? './agent-state')
    .action(async (opts) => {
      await uninstallAgent(opts.state);
      process.stderr.write(`agent state ${path.resolve(opts.state)} removed\n`);
    });
}
