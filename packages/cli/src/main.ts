import { Command } from 'commander';
import { registerServerCommands } from './commands/server.ts';
import { registerApiClientCommands } from './commands/api-clients.ts';
import { registerAgentCommands } from './commands/agent.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
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

const program = new Command();
program
  .name('riposte')
  .description('Self-hosted live response: server, agents, and the responder\'s terminal')
  .showHelpAfterError()
  .addHelpText('after', '\nGetting started:\n  $ npm start                          # server + a local agent, ./data\n  $ riposte login --data ./data        # keep the bootstrap client as a profile\n  $ riposte hosts ls\n  $ riposte shell $(hostname)\n  $ riposte batch --filter "platform_name:\'Linux\'" -- ls /tmp\n');

registerServerCommands(program);
registerApiClientCommands(program);
registerAgentCommands(program);
registerSimulateCommand(program);
registerStartCommand(program);
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
