// The whole CLI through tsx. Declaring a command loads only commander and a few light modules:
// each action imports what it runs (the server, the agent, core and its database) when it runs,
// so `riposte users --help` or `riposte api-clients list` do not start up the server and agent.
import { CLIENT_COMMANDS } from '../bin/client-bundle.js';
import { registerAgentCommands } from './commands/agent.ts';
import { registerApiClientCommands } from './commands/api-clients.ts';
import { registerApiKeyCommands } from './commands/api-keys.ts';
import { registerCompletionCommand } from './commands/completion.ts';
import { registerConsoleUserCommands } from './commands/console-users.ts';
import { registerEnrollmentCommands } from './commands/enrollment.ts';
import { registerServerCommands } from './commands/server.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
import { registerStartCommand } from './commands/start.ts';
import { newProgram, run } from './program.ts';

const program = newProgram();
const command = process.argv[2] ?? '';
if (!CLIENT_COMMANDS.includes(command)) {
  registerServerCommands(program);
  registerApiClientCommands(program);
  registerApiKeyCommands(program);
  registerAgentCommands(program);
  registerSimulateCommand(program);
  registerStartCommand(program);
  registerEnrollmentCommands(program);
  registerConsoleUserCommands(program);
}
// The client commands' modules (the API client, the shell, progress bars) are left out when a
// local command runs: they would only lengthen its start-up.
if (!program.commands.some((c) => c.name() === command)) {
  const { registerClientCommands } = await import('./client-commands.ts');
  registerClientCommands(program);
}
registerCompletionCommand(program);
run(program);
