import { Command } from 'commander';
import { registerLoginCommand } from './commands/login.ts';
import { registerShellCommand } from './commands/shell.ts';
import { registerBatchCommand } from './commands/batch.ts';
import { registerTransferCommands } from './commands/transfer.ts';
import { registerHostsCommands, registerGroupsCommands } from './commands/hosts.ts';
import { registerLibraryCommands } from './commands/libraries.ts';
import { registerPolicyCommands } from './commands/policies.ts';
import { registerAuditCommand } from './commands/audit.ts';
import { registerCompletionCommand } from './commands/completion.ts';
import { errorLine } from './api/errors.ts';

/**
 * The commands that run a server or an agent or open the database load those packages (seconds
 * of start-up); the API client commands below do not need them, so they are loaded only when
 * the command line is not one of those.
 */
async function registerLocalCommands(program: Command): Promise<void> {
  const [server, apiClients, apiKeys, agent, simulate, start, enrollment, consoleUsers] = await Promise.all([
    import('./commands/server.ts'),
    import('./commands/api-clients.ts'),
    import('./commands/api-keys.ts'),
    import('./commands/agent.ts'),
    import('./commands/simulate.ts'),
    import('./commands/start.ts'),
    import('./commands/enrollment.ts'),
    import('./commands/console-users.ts'),
  ]);
  server.registerServerCommands(program);
  apiClients.registerApiClientCommands(program);
  apiKeys.registerApiKeyCommands(program);
  agent.registerAgentCommands(program);
  simulate.registerSimulateCommand(program);
  start.registerStartCommand(program);
  enrollment.registerEnrollmentCommands(program);
  consoleUsers.registerConsoleUserCommands(program);
}

const CLIENT_COMMANDS = ['login', 'shell', 'batch', 'get', 'put', 'hosts', 'groups', 'put-files', 'scripts', 'policies', 'audit'];

const program = new Command();
program
  .name('riposte')
  .description("Self-hosted live response: server, agents, and the responder's terminal")
  .showHelpAfterError()
  .addHelpText('after', '\nGetting started:\n  $ npm start                          # server + a local agent, ./data\n  $ riposte login --data ./data        # keep the bootstrap client as a profile\n  $ riposte hosts ls\n  $ riposte shell $(hostname)\n  $ riposte batch --filter "platform_name:\'Linux\'" -- ls /tmp\n');

if (!CLIENT_COMMANDS.includes(process.argv[2] ?? '')) await registerLocalCommands(program);
registerLoginCommand(program);
registerShellCommand(program);
registerBatchCommand(program);
registerTransferCommands(program);
registerHostsCommands(program);
registerGroupsCommands(program);
registerLibraryCommands(program);
registerPolicyCommands(program);
registerAuditCommand(program);
registerCompletionCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`riposte: ${errorLine(err)}`);
  process.exit(1);
});
